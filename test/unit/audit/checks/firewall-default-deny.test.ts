import {check} from '../../../../src/audit/checks/firewall-default-deny.js'
import type {FirewallFact} from '../../../../src/audit/facts/index.js'
import {checkTester} from '../../../helpers/check-tester.js'

// The loaded firewall is machine state: its fact is a fixed value here (the engine is tested on real nftables).
const drop: FirewallFact = {tool: 'nftables', inputPolicy: 'drop', ruleCount: 3, decidedBy: 'policy drop'}

checkTester.run(check, {
  valid: [{name: 'a drop input policy', facts: {firewall: drop}}],
  invalid: [
    {name: 'an accept input policy', status: 'fail', facts: {firewall: {...drop, inputPolicy: 'accept'}}},
    {
      name: 'no input chain at all',
      status: 'fail',
      facts: {firewall: {...drop, inputPolicy: 'accept', ruleCount: 0}},
      evidence: [/no inbound filtering is loaded/],
    },
    {
      name: 'a drop policy that destination NAT bypasses',
      status: 'fail',
      facts: {firewall: {...drop, bypassed: ['Ollama: IPv4 dnat 11434 → 172.17.0.2:11434 via forward chain DOCKER']}},
      evidence: [
        /dropped/,
        /bypassed by destination NAT: Ollama: IPv4 dnat 11434 → 172\.17\.0\.2:11434 via forward chain DOCKER/,
      ],
    },
    {
      name: 'a drop policy with an inference port published where the engine cannot tell (not a pass)',
      status: 'error',
      facts: {
        firewall: {
          ...drop,
          undecided: ['Ollama: IPv4 dnat 11434 → 172.17.0.2:11434 (not followed: too many translations to follow)'],
        },
      },
      reason: /cannot tell whether destination NAT bypasses it: Ollama: IPv4 dnat 11434/,
    },
    {name: 'rules that leave it undecided', status: 'error', facts: {firewall: {...drop, inputPolicy: 'unknown'}}},
    {
      name: 'a ruleset that cannot be read',
      status: 'error',
      facts: {firewall: {tool: null, inputPolicy: null, ruleCount: 0, unreadable: 'nft is not installed'}},
      reason: 'cannot read the firewall: nft is not installed',
    },
  ],
})
