import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Explanation} from '../../../src/network/index.js'
import {
  cliIn,
  createWorld,
  kernelVerdicts,
  loadNft,
  netnsSkipReason,
  startListeners,
  type Listeners,
  type World,
} from '../../helpers/netns.js'

const skip = netnsSkipReason()
if (skip) console.warn(`[skip] verdict matrix: ${skip}`)

/** One packet of the matrix: direction, family, port, and the verdict the static analysis must give. */
interface Case {
  dir: 'in' | 'out'
  v: 4 | 6
  port: number
  expect: 'accept' | 'drop' | 'reject' | 'unknown'
}

const PORTS = [8001, 8002, 8003, 8004]
const c = (dir: 'in' | 'out', v: 4 | 6, port: number, expected: Case['expect']): Case => ({
  dir,
  v,
  port,
  expect: expected,
})

const MATRIX: {name: string; ruleset: string; cases: Case[]}[] = [
  {name: 'empty ruleset', ruleset: '', cases: [c('in', 4, 8001, 'accept'), c('out', 6, 8002, 'accept')]},
  {
    name: 'input policy drop with a port set and a range',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy drop;
    iif lo accept
    ct state established,related accept
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    tcp dport { 8001, 8003-8004 } accept
  }
}`,
    cases: [
      c('in', 4, 8001, 'accept'),
      c('in', 4, 8002, 'drop'),
      c('in', 6, 8004, 'accept'),
      c('out', 4, 8002, 'accept'),
    ],
  },
  {
    name: 'reject by source prefix (IPv4 only)',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy accept;
    ip saddr 198.18.0.0/24 tcp dport 8002 reject
  }
}`,
    cases: [c('in', 4, 8002, 'reject'), c('in', 6, 8002, 'accept'), c('in', 4, 8001, 'accept')],
  },
  {
    name: 'jump, goto and return',
    ruleset: `table inet filter {
  chain sub2 { accept; }
  chain sub { tcp dport 8002 return; tcp dport 8003 goto sub2; drop; }
  chain input { type filter hook input priority 0; policy accept;
    tcp dport 8000-8010 jump sub
    drop
  }
}`,
    cases: [c('in', 4, 8001, 'drop'), c('in', 4, 8002, 'drop'), c('in', 4, 8003, 'accept')],
  },
  {
    name: 'two base chains on one hook: an accept in the first does not stop the second',
    ruleset: `table inet early {
  chain input { type filter hook input priority -10; policy accept; accept; }
}
table ip late {
  chain input { type filter hook input priority 0; policy accept; tcp dport 8001 drop; }
}`,
    cases: [c('in', 4, 8001, 'drop'), c('in', 6, 8001, 'accept'), c('in', 4, 8002, 'accept')],
  },
  {
    name: 'named set on input, IPv6 destination on output',
    ruleset: `table inet filter {
  set blocked { type inet_service; elements = { 8001, 8003 } }
  chain input { type filter hook input priority 0; tcp dport @blocked drop; }
  chain output { type filter hook output priority 0; ip6 daddr fd18::2 tcp dport 8002 drop; }
}`,
    cases: [
      c('in', 4, 8001, 'drop'),
      c('in', 4, 8002, 'accept'),
      c('out', 6, 8002, 'drop'),
      c('out', 4, 8002, 'accept'),
    ],
  },
  {
    name: 'replies dropped: no ct state rule with input policy drop',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy drop; tcp dport 8001 accept; }
}`,
    cases: [c('in', 4, 8001, 'accept'), c('out', 4, 8002, 'drop'), c('out', 4, 8001, 'drop')],
  },
  {
    name: 'verdict map',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy drop;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    tcp dport vmap { 8001 : drop, 8002 : accept }
  }
}`,
    cases: [c('in', 4, 8001, 'drop'), c('in', 6, 8002, 'accept'), c('in', 4, 8003, 'drop')],
  },
  {
    name: 'output policy drop with an allowed destination and port',
    ruleset: `table inet filter {
  chain output { type filter hook output priority 0; policy drop;
    oif lo accept
    ct state established,related accept
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    ip daddr 198.18.0.2 tcp dport { 8001, 8004 } accept
    ip6 daddr fd18::/64 tcp dport 8003 accept
  }
}`,
    cases: [
      c('out', 4, 8001, 'accept'),
      c('out', 4, 8003, 'drop'),
      c('out', 6, 8003, 'accept'),
      c('out', 6, 8001, 'drop'),
      c('in', 4, 8001, 'accept'),
    ],
  },
  {
    name: 'ct state new and an IPv6 source prefix',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy accept;
    ct state new tcp dport 8002 drop
    ip6 saddr fd18::/64 tcp dport 8001 drop
  }
}`,
    cases: [
      c('in', 4, 8002, 'drop'),
      c('out', 4, 8002, 'accept'),
      c('in', 6, 8001, 'drop'),
      c('in', 4, 8001, 'accept'),
    ],
  },
  {
    name: 'rules llmsec cannot decide',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy accept;
    meta mark 0x1 tcp dport 8001 drop
    tcp dport 8002 meta mark 0x1 accept
    tcp dport 8002 drop
  }
}`,
    cases: [c('in', 4, 8001, 'unknown'), c('in', 4, 8002, 'unknown'), c('in', 4, 8003, 'accept')],
  },
  {
    name: 'undecidable accept before a certain drop stays unknown, decidable drop after undecided accept too',
    ruleset: `table inet filter {
  chain input { type filter hook input priority 0; policy drop;
    ct state established,related accept
    meta mark 0x1 tcp dport 8001 drop
    tcp dport 8003 accept
  }
}`,
    cases: [c('in', 4, 8001, 'drop'), c('in', 4, 8003, 'accept')],
  },
]

describe.skipIf(skip !== null)('static verdicts agree with the kernel on every packet of the matrix', () => {
  let world: World
  const listeners: Listeners[] = []
  const compared: string[] = []

  beforeAll(async () => {
    world = await createWorld()
    for (const ns of [world.host, world.inet])
      listeners.push(
        await startListeners(
          ns,
          PORTS.map((port) => ({host: '::', port})),
        ),
      )
  })

  afterAll(async () => {
    for (const l of listeners) await l.stop()
    await world?.destroy()
    console.info(`[matrix] compared ${compared.length} (ruleset, packet) cases with the kernel`)
  })

  it.each(MATRIX.map((m) => [m.name, m] as const))('%s', async (_name, entry) => {
    await loadNft(world.host, `flush ruleset\n${entry.ruleset}\n`)
    const spec = (k: Case) => {
      const remote = k.v === 4 ? world.inetV4 : `[${world.inetV6}]`
      return `${k.dir}:tcp:${remote}:${k.port}`
    }
    const explained = await cliIn<Explanation | Explanation[]>(world.host, [
      'firewall',
      ...entry.cases.flatMap((k) => ['--explain', spec(k)]),
    ])
    const statics = ([] as Explanation[]).concat(explained.json)
    expect(statics.map((s) => s.verdict)).toEqual(entry.cases.map((k) => k.expect))

    // The kernel: connect from the host namespace (out) or into it from the "internet" namespace (in).
    const target = (k: Case): [string, number] => {
      if (k.dir === 'out') return [k.v === 4 ? world.inetV4 : world.inetV6, k.port]
      return [k.v === 4 ? world.hostV4 : world.hostV6, k.port]
    }
    for (const dir of ['in', 'out'] as const) {
      const cases = entry.cases.map((k, i) => ({k, i})).filter(({k}) => k.dir === dir)
      if (cases.length === 0) continue
      const kernel = await kernelVerdicts(
        dir === 'out' ? world.host : world.inet,
        cases.map(({k}) => target(k)),
      )
      cases.forEach(({k, i}, j) => {
        if (statics[i].verdict === 'unknown') return
        compared.push(`${entry.name}: ${spec(k)}`)
        expect({packet: spec(k), verdict: statics[i].verdict}).toEqual({packet: spec(k), verdict: kernel[j]})
      })
    }
  })

  it('compared at least 20 cases where the static verdict is not unknown', () => {
    expect(compared.length).toBeGreaterThanOrEqual(20)
  })
})
