import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {ExecResult} from '../../../src/core/exec.js'
import {listInferencePorts} from '../../../src/hardware/index.js'
import {bypassedRules, readFrontendRules} from '../../../src/network/frontend-config.js'
import {analyzeFirewall, readFirewall} from '../../../src/network/index.js'
import {repoRoot} from '../../helpers/cli.js'

const roots: string[] = []

/** A root holding these files (path → content). */
async function rootWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'llmsec-frontend-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), {recursive: true})
    await writeFile(join(root, path), text)
  }
  return root
}

afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, {recursive: true, force: true})
})

/** ufw as `ufw enable; ufw default deny incoming; ufw allow 22/tcp; ufw deny 11434/tcp` leaves it. */
const UFW = {
  '/etc/ufw/ufw.conf': 'ENABLED=yes\nLOGLEVEL=low\n',
  '/etc/default/ufw': 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_FORWARD_POLICY="DROP"\n',
  '/etc/ufw/user.rules': `*filter
:ufw-user-input - [0:0]
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### deny tcp 11434 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 11434 -j DROP

### END RULES ###
COMMIT
`,
}

const zone = (body: string, target = '') => `<?xml version="1.0" encoding="utf-8"?>
<zone${target}>
  <short>Public</short>
  <service name="ssh"/>
  ${body}
</zone>
`

describe('ufw and firewalld rules, from their own configuration', () => {
  it('names the ufw rule a published port bypasses; the default policy for a port no rule names', async () => {
    const {rules, notes} = await readFrontendRules(await rootWith(UFW))
    expect(notes).toEqual([])
    expect(bypassedRules(rules, 11434, 'tcp')).toEqual(['ufw deny 11434/tcp (/etc/ufw/user.rules)'])
    expect(bypassedRules(rules, 3000, 'tcp')).toEqual([
      'ufw default deny incoming (DEFAULT_INPUT_POLICY=DROP) (/etc/default/ufw)',
    ])
    // ufw lets 22 in itself: nothing is bypassed.
    expect(bypassedRules(rules, 22, 'tcp')).toEqual([])
  })

  it('a disabled ufw, or one allowing the port, names nothing', async () => {
    const disabled = await readFrontendRules(await rootWith({...UFW, '/etc/ufw/ufw.conf': 'ENABLED=no\n'}))
    expect(bypassedRules(disabled.rules, 11434, 'tcp')).toEqual([])
    const allowed = UFW['/etc/ufw/user.rules'].replace('### tuple ### deny tcp 11434', '### tuple ### allow tcp 11434')
    const open = await readFrontendRules(await rootWith({...UFW, '/etc/ufw/user.rules': allowed}))
    expect(bypassedRules(open.rules, 11434, 'tcp')).toEqual([])
  })

  it("names firewalld's default zone: its target for a port it does not open, its rich rule when one rejects it", async () => {
    const files = {
      '/etc/firewalld/firewalld.conf': 'DefaultZone=public\n',
      '/usr/lib/firewalld/zones/public.xml': zone('<port protocol="tcp" port="8080"/>'),
    }
    const packaged = await readFrontendRules(await rootWith(files))
    expect(bypassedRules(packaged.rules, 11434, 'tcp')).toEqual([
      'firewalld zone public (target default) rejects ports it does not open (/usr/lib/firewalld/zones/public.xml)',
    ])
    expect(bypassedRules(packaged.rules, 8080, 'tcp')).toEqual([])
    // The admin's copy in /etc replaces the packaged zone.
    const rich = zone('<rule><port protocol="tcp" port="11434"/><reject/></rule>')
    const admin = await readFrontendRules(await rootWith({...files, '/etc/firewalld/zones/public.xml': rich}))
    expect(bypassedRules(admin.rules, 11434, 'tcp')).toEqual([
      'firewalld zone public rich rule: reject 11434/tcp (/etc/firewalld/zones/public.xml)',
    ])
    expect(bypassedRules(admin.rules, 8080, 'tcp')).toHaveLength(1)
  })

  it('hostile zone files: entities are not expanded, malformed XML is a note, never a crash', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE zone [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<zone target="&b;"><port protocol="tcp" port="&b;"/></zone>`
    const conf = {'/etc/firewalld/firewalld.conf': 'DefaultZone=public\n'}
    const expanded = await readFrontendRules(await rootWith({...conf, '/etc/firewalld/zones/public.xml': bomb}))
    expect(expanded.rules.every((r) => !r.text.includes('aaaaaaaaaa'))).toBe(true)
    const broken = await readFrontendRules(await rootWith({...conf, '/etc/firewalld/zones/public.xml': '<zone><port'}))
    expect(broken.rules).toEqual([])
    expect(broken.notes.join('\n')).toMatch(/not well-formed XML|could not be read/)
    const traversal = await readFrontendRules(
      await rootWith({'/etc/firewalld/firewalld.conf': 'DefaultZone=../../x\n'}),
    )
    expect(traversal.rules).toEqual([])
  })

  it("Docker's DNAT past ufw: the report and the finding name `ufw deny 11434/tcp` as the bypassed rule", async () => {
    const rules = await readFile(join(repoRoot, 'fixtures', 'docker', 'docker-classic.rules'), 'utf8')
    const run = async (command: string, args: string[]): Promise<ExecResult> => {
      const stdout = command === 'iptables-save' ? rules : ''
      return {status: stdout ? 'ok' : 'missing', command, args, exitCode: 0, stdout, stderr: '', durationMs: 1}
    }
    const reading = await readFirewall(run)
    const root = await rootWith(UFW)
    const report = await analyzeFirewall({
      reading,
      run,
      inferencePorts: listInferencePorts(),
      procRoot: join(root, 'proc'),
      configRoot: root,
    })
    const ollama = report.published.find((p) => p.port === 11434)!
    expect(ollama.exposed).not.toBe(false)
    expect(ollama.bypasses).toEqual(['ufw deny 11434/tcp (/etc/ufw/user.rules)'])
    const finding = report.findings.find((f) => f.subject === 'tcp/11434 Ollama')!
    expect(finding.evidence).toContain('bypasses the frontend rule ufw deny 11434/tcp (/etc/ufw/user.rules)')
  })
})
