import {describe} from 'vitest'

import {check} from '../../../../src/audit/checks/firewall-persistent.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {hasTool, skipReason} from '../../../helpers/env.js'

const unit = {
  '/lib/systemd/systemd': '',
  '/lib/systemd/system/nftables.service': '[Service]\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n',
}
const enabled = {
  ...unit,
  '/etc/systemd/system/sysinit.target.wants/nftables.service': {link: '/lib/systemd/system/nftables.service'},
}
const nft = (input: string, extra: Record<string, string> = {}, systemd: object = enabled) => ({
  ...systemd,
  '/etc/nftables.conf': `#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n  chain input {\n${input}\n  }\n}\n`,
  ...extra,
})
const hook = '    type filter hook input priority filter;'

checkTester.run(check, {
  valid: [
    {
      name: 'an enabled ufw with DROP',
      files: {'/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="DROP"\n'},
    },
    {
      name: 'an enabled iptables-persistent rules.v4 with INPUT DROP',
      files: {
        ...enabled,
        '/lib/systemd/system/netfilter-persistent.service':
          '[Service]\nExecStart=/usr/sbin/netfilter-persistent start\n',
        '/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service': {
          link: '/lib/systemd/system/netfilter-persistent.service',
        },
        '/etc/iptables/rules.v4':
          '*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      },
    },
  ],
  invalid: [
    {
      name: 'an iptables rules.v4 whose INPUT policy DROP comes after an accept-everything rule',
      status: 'fail',
      files: {
        '/etc/iptables/rules.v4': '*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n',
      },
    },
    {
      name: 'nothing configured',
      status: 'fail',
      files: {'/etc/hostname': 'h\n'},
      evidence: [/no firewall configuration/],
    },
  ],
})

const noNft = skipReason(
  !hasTool('nft') || !hasTool('unshare'),
  'nftables.conf is judged by nft in a private namespace: needs nft and unshare (Debian: nftables, util-linux)',
)
describe.skipIf(noNft)('nftables.conf loaded by nft', () => {
  checkTester.run(check, {
    valid: [
      {
        name: 'policy drop with SSH and established traffic allowed',
        files: nft(
          `${hook} policy drop;\n    iif lo accept\n    ct state established,related accept\n    tcp dport 22 accept`,
        ),
        includes: [
          /^nftables \(\/etc\/nftables\.conf\): enabled, inbound default deny \(inet filter input: policy drop\)$/,
        ],
      },
      {
        name: 'the drop comes from an included file (read inside the root)',
        files: nft(`${hook}\n    include "/etc/nftables.d/*.nft"`, {'/etc/nftables.d/10-drop.nft': 'policy drop;\n'}),
      },
    ],
    invalid: [
      {
        name: '`# policy drop;` is a comment, not a policy',
        status: 'fail',
        files: nft(`${hook} # policy drop;\n    tcp dport 22 accept`),
        includes: [/inbound default accept/],
      },
      {
        name: 'an accept-all rule before the drop policy',
        status: 'fail',
        files: nft(`${hook} policy drop;\n    accept`),
      },
      {
        name: 'a drop policy in a forward chain does not filter input',
        status: 'fail',
        files: nft(`    type filter hook forward priority filter; policy drop;`),
      },
      {
        name: 'policy drop but nftables.service is not enabled',
        status: 'fail',
        files: nft(`${hook} policy drop;`, {}, unit),
      },
      {
        name: 'a file nft rejects cannot pass',
        status: 'error',
        files: nft(`${hook} policy drop;\n    tcp dport ssh acceptt`),
        reason: /nft rejects it/,
      },
      {
        name: 'an include that is not in the root',
        status: 'error',
        files: nft(`${hook}\n    include "/etc/nftables.d/missing.nft"`),
        reason: /cannot read the included/,
      },
    ],
  })
})
