import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Explanation, FirewallReport} from '../../src/network/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'

/**
 * `llmsec firewall` on dumps the kernel would never print (iptables-restore and nft refuse a jump
 * to a chain that does not exist), read from stand-in tools on PATH that print a file: chains named
 * after Object.prototype properties, jumps to and rules on undeclared chains. Each run ends 0 or 1
 * with a note, never 3, and what it cannot follow is unknown, never a guessed block.
 */
/** Each dump, the inbound TCP verdict it implies and the note that must say why. */
const IPTABLES: Record<string, {dump: string; verdict: string; note: RegExp}> = {
  // Inbound TCP meets a jump to a chain that is not there first: unknown, never a guessed drop.
  'undeclared jump targets': {
    dump: `*filter
:INPUT DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A INPUT -p tcp -j __proto__
-A INPUT -p tcp -g constructor
COMMIT
`,
    verdict: 'unknown',
    note: /cannot fully interpret "-A INPUT -p tcp -j __proto__"/,
  },
  // Rules appended to undeclared chains are read as declared: toString accepts, so inbound TCP is accepted.
  'rules on undeclared chains, a table named __proto__': {
    dump: `*__proto__
:INPUT DROP [0:0]
-A constructor -j ACCEPT
COMMIT
*filter
:INPUT DROP [0:0]
-A toString -j ACCEPT
-A INPUT -p tcp -j toString
-A __proto__ -j DROP
COMMIT
`,
    verdict: 'accept',
    note: /rule for undeclared chain toString/,
  },
}

const NFT = JSON.stringify({
  nftables: [
    {table: {family: 'inet', name: '__proto__'}},
    {
      chain: {
        family: 'inet',
        table: '__proto__',
        name: 'constructor',
        type: 'filter',
        hook: 'input',
        prio: 0,
        policy: 'drop',
      },
    },
    {rule: {family: 'inet', table: '__proto__', chain: 'constructor', handle: 2, expr: [{jump: {target: 'toString'}}]}},
    {rule: {family: 'inet', table: '__proto__', chain: 'hasOwnProperty', handle: 3, expr: [{accept: null}]}},
    {rule: {family: 'inet', table: 'valueOf', chain: 'constructor', handle: 4, expr: [{accept: null}]}},
  ],
})

describe('llmsec firewall on dumps naming __proto__, constructor and undeclared chains', () => {
  let dir: string

  /** A PATH holding only `tool`, which prints `file`; every other tool is missing. */
  async function pathWith(tool: string, text: string): Promise<string> {
    const bin = await mkdtemp(join(dir, 'bin-'))
    await writeFile(join(bin, 'dump'), text)
    await writeFile(join(bin, tool), `#!/bin/sh\nexec /bin/cat '${join(bin, 'dump')}'\n`)
    await chmod(join(bin, tool), 0o755)
    return bin
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-hostile-dumps-'))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it.each(Object.keys(IPTABLES))('iptables-save (nft absent): %s', async (name) => {
    const {dump, verdict, note} = IPTABLES[name]
    const env = {PATH: await pathWith('iptables-save', dump)}
    const report = await runCliJson<FirewallReport>(['firewall'], {env})
    expect([0, 1]).toContain(report.exitCode)
    expect(report.json.readable).toBe(true)
    expect(report.json.backend).toBe('iptables-legacy')
    expect(report.json.inbound.ipv4.verdict).toBe(verdict)
    expect(report.json.notes.join('\n')).toMatch(note)
    const text = await runCli(['firewall'], {env})
    expect([0, 1]).toContain(text.exitCode)
    expect(text.stderr).toMatch(/note: /)
    expect(text.stderr).not.toMatch(/TypeError|at .*\.js:\d+/)
    const explained = await runCliJson<Explanation>(['firewall', '--explain', 'in:tcp:198.51.100.9:11434'], {env})
    expect(explained.exitCode).toBe(0)
    expect(explained.json.verdict).toBe(verdict)
  })

  it('nft JSON: a table and chains named after Object.prototype properties, rules on undeclared chains and tables', async () => {
    const env = {PATH: await pathWith('nft', NFT)}
    const report = await runCliJson<FirewallReport>(['firewall'], {env})
    expect([0, 1]).toContain(report.exitCode)
    expect(report.json.readable).toBe(true)
    expect(report.json.inbound.ipv4.verdict).toBe('unknown')
    expect(report.json.notes.join('\n')).toMatch(/hasOwnProperty, which is not declared/)
  })
})
