import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {listInferencePorts} from '../../../src/hardware/index.js'
import {findPublishedPorts, type PublishedPort} from '../../../src/network/exposure.js'
import type {ExecResult} from '../../../src/core/exec.js'
import {
  evaluateConnection,
  parseIptablesSave,
  parseNftJson,
  readFirewall,
  type PacketSpec,
  type PathEnv,
  type Ruleset,
} from '../../../src/network/index.js'
import {UNKNOWN_ENV} from '../../../src/network/path.js'
import {repoRoot} from '../../helpers/cli.js'
import {DOCKER_LAYOUTS, dockerIptablesSave, OLLAMA_LAYOUT, type DockerLayout} from '../../helpers/docker-layout.js'

const fixture = (name: string) => readFileSync(join(repoRoot, 'fixtures', 'docker', name), 'utf8')

/** A Docker host as the kernel routes it: containers behind docker0, forwarding on. */
const DOCKER_HOST: PathEnv = {
  route: (addr) => (addr.startsWith('172.17.') ? {local: false, dev: 'docker0'} : {local: null, dev: null}),
  forwarding: () => true,
}

const ports = listInferencePorts()

function published(ruleset: Ruleset, env: PathEnv = DOCKER_HOST): PublishedPort[] {
  return findPublishedPorts(ruleset, {env, ports, families: [4]})
}

const fromText = (text: string) => parseIptablesSave(text, 'ip', 'iptables-nft')
const of = (list: PublishedPort[], port: number) => list.find((p) => p.port === port)
/** What a report says about a published port, without the rule texts (their syntax differs by source). */
const meaning = (p: PublishedPort) => {
  const {natRule: _rule, hooks: _hooks, ...rest} = p
  return rest
}

/** Inbound connections to every port a rule names and some no rule names, from outside and from a container. */
const SWEEP: PacketSpec[] = [22, 80, 443, 3000, 8080, 11434, 11435, 31000].flatMap((port): PacketSpec[] => [
  {direction: 'in', protocol: 'tcp', family: 4, remote: '198.51.100.7', port},
  {direction: 'in', protocol: 'udp', family: 4, remote: '198.51.100.7', port},
  {direction: 'in', protocol: 'tcp', family: 4, remote: '172.17.0.9', port},
  {direction: 'out', protocol: 'tcp', family: 4, remote: '203.0.113.5', port},
])

describe("Docker's rule layout (generated from Docker's documented chains)", () => {
  it('the fixtures are what the generator writes', () => {
    for (const [name, layout] of Object.entries(DOCKER_LAYOUTS))
      expect(fixture(`${name}.rules`)).toBe(dockerIptablesSave(layout))
  })

  for (const layout of ['docker-classic', 'docker-28']) {
    it(`${layout}: iptables-save, the nft JSON iptables-nft leaves, and nft's native translation agree`, async () => {
      const rules = fixture(`${layout}.rules`)
      const text = published(fromText(rules))
      // What the kernel holds once iptables-nft loaded the rules, read as `llmsec firewall` reads a host.
      const reading = await readFirewall(async (command, args) => {
        const stdout = command === 'nft' ? fixture(`${layout}.nft.json`) : command === 'iptables-nft-save' ? rules : ''
        const status = stdout ? 'ok' : 'missing'
        return {status, command, args, exitCode: 0, stdout, stderr: '', durationMs: 1} as ExecResult
      })
      expect(reading.backend).toBe('iptables-nft')
      // Re-read through iptables-nft-save: no note on the opaque xt expressions of the nft reading.
      expect(reading.ruleset.notes.filter((n) => n.includes('xt '))).toEqual([])
      const compat = published(reading.ruleset)
      const native = published(parseNftJson(fixture(`${layout}.native.nft.json`)))
      expect(compat.map(meaning)).toEqual(text.map(meaning))
      expect(native.map(meaning)).toEqual(text.map(meaning))
      // Every connection, not only the published ports, is judged alike from the three readings.
      const judge = (ruleset: Ruleset) =>
        SWEEP.map((spec) => {
          const {verdict, table, chain} = evaluateConnection(ruleset, spec, DOCKER_HOST)
          return `${verdict} ${table} ${chain}`
        })
      const [fromRules, fromCompat, fromNative] = [
        fromText(rules),
        reading.ruleset,
        parseNftJson(fixture(`${layout}.native.nft.json`)),
      ].map(judge)
      expect(fromCompat).toEqual(fromRules)
      expect(fromNative).toEqual(fromRules)
      expect(new Set(fromRules.map((j) => j.split(' ')[0])).size).toBeGreaterThan(1)
      expect(of(text, 11434)).toMatchObject({
        to: '172.17.0.2:11434',
        forwarded: true,
        exposed: true,
        verdict: 'accept',
        service: 'Ollama',
        path: 'dnat 11434 → 172.17.0.2:11434 via forward chain DOCKER',
        arrival: 'an interface no rule names',
      })
      // The web UI publishes 3000 to its container's 8080: joined to the catalog by the container port.
      expect(of(text, 3000)).toMatchObject({to: '172.17.0.3:8080', toPort: 8080, exposed: true})
      expect(of(text, 3000)!.service).toContain('Open WebUI')
    })
  }

  it('a DROP in DOCKER-USER closes it; a DROP for another port does not', () => {
    const closed = dockerIptablesSave({...OLLAMA_LAYOUT, dockerUser: ['-j DROP']})
    expect(of(published(fromText(closed)), 11434)).toMatchObject({exposed: false, verdict: 'drop'})
    const other = dockerIptablesSave({
      ...OLLAMA_LAYOUT,
      dockerUser: ['-p tcp -m conntrack --ctstate NEW -m tcp --dport 22 -j DROP'],
    })
    expect(of(published(fromText(other)), 11434)).toMatchObject({exposed: true})
  })

  it('a DROP in DOCKER-USER for one interface leaves it open on the others, and says so', () => {
    const eth0 = dockerIptablesSave({...OLLAMA_LAYOUT, dockerUser: ['-i eth0 -j DROP']})
    expect(of(published(fromText(eth0)), 11434)).toMatchObject({exposed: true, arrival: 'an interface no rule names'})
  })

  it('a DOCKER-USER rule llmsec cannot read leaves it undecided, never "not exposed"', () => {
    const opaque = dockerIptablesSave({...OLLAMA_LAYOUT, dockerUser: ['-m mark --mark 0x1 -j DROP']})
    expect(of(published(fromText(opaque)), 11434)).toMatchObject({exposed: null, verdict: 'unknown'})
  })

  it('published on 127.0.0.1 only: another host cannot reach it', () => {
    const loopback: DockerLayout = {
      containers: [{ip: '172.17.0.2', publish: [{hostIp: '127.0.0.1', hostPort: 11434, containerPort: 11434}]}],
    }
    const list = published(fromText(dockerIptablesSave(loopback)))
    expect(of(list, 11434)).toBeUndefined()
  })

  it('without the routes, a translation is followed both ways: input drop and forward accept are undecided', () => {
    const list = published(fromText(fixture('docker-classic.rules')), UNKNOWN_ENV)
    expect(of(list, 11434)).toMatchObject({exposed: null, verdict: 'unknown'})
  })

  it('with forwarding off the translated packet goes nowhere', () => {
    const off: PathEnv = {...DOCKER_HOST, forwarding: () => false}
    const list = published(fromText(fixture('docker-classic.rules')), off)
    expect(of(list, 11434)).toMatchObject({exposed: false, verdict: 'drop'})
  })

  it('a redirect is judged by the port it redirects to: input accepting 8080 exposes 80', () => {
    const text = `*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 11434
COMMIT
*filter
:INPUT DROP [0:0]
-A INPUT -p tcp -m tcp --dport 11434 -j ACCEPT
COMMIT
`
    const list = published(fromText(text))
    expect(of(list, 80)).toMatchObject({to: ':11434', forwarded: false, exposed: true, service: 'Ollama'})
    const closed = text.replace('-A INPUT -p tcp -m tcp --dport 11434 -j ACCEPT\n', '')
    expect(of(published(fromText(closed)), 80)).toMatchObject({exposed: false})
  })

  it('a DNAT that only sometimes applies (statistic) is not "not exposed"', () => {
    const text = dockerIptablesSave(OLLAMA_LAYOUT).replace(
      '! -i docker0 -p tcp -m tcp --dport 11434 -j DNAT',
      '! -i docker0 -p tcp -m tcp --dport 11434 -m statistic --mode random --probability 0.5 -j DNAT',
    )
    expect(of(published(fromText(text)), 11434)!.exposed).not.toBe(false)
  })
})

describe('many translations of one port (fail closed)', () => {
  /** `sources` DNAT rules for 11434, each for one source address, then one for any source. */
  const manyDnat = (sources: number, forward: 'ACCEPT' | 'DROP') => {
    const bySource = Array.from(
      {length: sources},
      (_, i) =>
        `-A PREROUTING -s 198.51.100.${i + 1}/32 -p tcp -m tcp --dport 11434 -j DNAT --to-destination 172.17.0.${i + 2}:11434`,
    )
    return `*nat
:PREROUTING ACCEPT [0:0]
${bySource.join('\n')}
-A PREROUTING -p tcp -m tcp --dport 11434 -j DNAT --to-destination 172.17.1.1:11434
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d 172.17.0.0/16 -j ${forward}
COMMIT
`
  }

  it('64 translations are all followed: exposed when forward accepts, not when it drops', () => {
    expect(of(published(fromText(manyDnat(63, 'ACCEPT'))), 11434)).toMatchObject({exposed: true, verdict: 'accept'})
    expect(of(published(fromText(manyDnat(63, 'DROP'))), 11434)).toMatchObject({exposed: false})
  })

  it('past 64 translations the port is still listed, undecided with the reason, never left out', () => {
    for (const forward of ['ACCEPT', 'DROP'] as const) {
      const port = of(published(fromText(manyDnat(64, forward))), 11434)
      expect(port).toMatchObject({exposed: null, verdict: 'unknown', service: 'Ollama'})
      expect(port!.path).toContain('too many translations to follow')
      expect(port!.hooks.join('\n')).toContain('too many translations to follow (over 64)')
    }
  })

  it('an undecided untranslated path does not hide the translated one', () => {
    const text = `*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -s 198.51.100.1/32 -p tcp -m tcp --dport 11434 -j DNAT --to-destination 172.17.0.2:11434
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m mark --mark 0x1 -j ACCEPT
-A INPUT -j DROP
-A FORWARD -d 172.17.0.0/16 -j ACCEPT
COMMIT
`
    expect(of(published(fromText(text)), 11434)).toMatchObject({exposed: null, to: '172.17.0.2:11434'})
    // Its twin: the translated packet is dropped in forward and the host drops the rest: not exposed.
    const closed = text
      .replace('-A FORWARD -d 172.17.0.0/16 -j ACCEPT\n', '')
      .replace('-A INPUT -m mark --mark 0x1 -j ACCEPT\n', '')
    expect(of(published(fromText(closed)), 11434)).toMatchObject({exposed: false})
  })
})

describe('every published port is judged: UDP, port ranges and more ports than are followed', () => {
  /** A host whose INPUT drops everything, DNATing `dnat` lines (iptables-save arguments) with forward `forward`. */
  const host = (dnat: string[], forward = ['-d 172.17.0.0/16 -j ACCEPT']) => `*nat
:PREROUTING ACCEPT [0:0]
${dnat.map((line) => `-A PREROUTING ${line}`).join('\n')}
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
${forward.map((line) => `-A FORWARD ${line}`).join('\n')}
COMMIT
`

  it('a UDP-published port is listed as udp, and a TCP rule for the same port does not stand for it', () => {
    const udp = published(fromText(host(['-p udp -m udp --dport 5353 -j DNAT --to-destination 172.17.0.2:5353'])))
    expect(udp.filter((p) => p.port === 5353)).toMatchObject([{protocol: 'udp', exposed: true}])
    // Its twin: forward accepts only TCP, so the UDP translation is dropped.
    const tcpOnly = host(
      ['-p udp -m udp --dport 5353 -j DNAT --to-destination 172.17.0.2:5353'],
      ['-p tcp -d 172.17.0.0/16 -j ACCEPT'],
    )
    expect(published(fromText(tcpOnly)).filter((p) => p.port === 5353)).toMatchObject([
      {protocol: 'udp', exposed: false},
    ])
    // A rule with no protocol publishes both.
    const any = published(fromText(host(['-d 192.0.2.10/32 -j DNAT --to-destination 172.17.0.2:11434'])))
    expect(any.filter((p) => p.port === 11434).map((p) => p.protocol)).toEqual(['tcp'])
  })

  it('a range is cut where another rule tells its ports apart: the part left translated is reported', () => {
    // The first 16 ports of the range leave the nat chain untranslated; the other 85 go to Ollama.
    // (Judging only a range's first ports, as before, found nothing published here.)
    const dnat = [
      '-p tcp -m tcp --dport 20000:20015 -j RETURN',
      '-p tcp -m tcp --dport 20000:20100 -j DNAT --to-destination 172.17.0.2:11434',
    ]
    const list = published(fromText(host(dnat))).filter((p) => p.port >= 20000)
    expect(list.map((p) => [p.port, p.lastPort, p.exposed, p.service])).toEqual([[20016, 20100, true, 'Ollama']])
    expect(list[0].path).toBe('dnat 20016-20100 → 172.17.0.2:11434 via forward chain FORWARD')
    // Its twin: without the RETURN the whole range is one, judged by its first port.
    const whole = published(fromText(host(dnat.slice(1)))).filter((p) => p.port >= 20000)
    expect(whole.map((p) => [p.port, p.lastPort, p.exposed])).toEqual([[20000, 20100, true]])
  })

  it('past 512 port ranges the rest are listed as not followed, undecided; inference ports are followed first', () => {
    const many = Array.from(
      {length: 600},
      (_, i) => `-p tcp -m tcp --dport ${40000 + i} -j DNAT --to-destination 172.17.0.2:${i === 599 ? 11434 : 9000}`,
    )
    const list = published(
      fromText(host([...many, '-p tcp -m tcp --dport 11434 -j DNAT --to-destination 172.17.0.3:11434'])),
    )
    expect(of(list, 11434)).toMatchObject({exposed: true, to: '172.17.0.3:11434'})
    const rest = list.find((p) => p.to === 'not followed')
    expect(rest).toMatchObject({exposed: null, verdict: 'unknown', inference: true, service: 'Ollama', toPort: 11434})
    expect(rest!.path).toMatch(
      /^dnat: \d+ tcp port ranges from 4\d{4} to 40599 not followed \(more than 512 to follow\)$/,
    )
    // Every one of the 600 is either followed or counted among those not followed.
    const notFollowed = Number(/^dnat: (\d+)/.exec(rest!.path)![1])
    expect(list.filter((p) => p.to !== 'not followed' && p.port >= 40000).length + notFollowed).toBe(600)
    // Its twin: no DNAT names an inference port, so the ranges not followed cannot reach one.
    const benign = published(fromText(host(many.map((line) => line.replace(':11434', ':9000')))))
    expect(benign.find((p) => p.to === 'not followed')).toMatchObject({inference: false, service: null})
  })
})
