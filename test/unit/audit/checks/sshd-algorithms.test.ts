import {check} from '../../../../src/audit/checks/sshd-algorithms.js'
import {checkTester} from '../../../helpers/check-tester.js'

const sshd = (text: string, extra: Record<string, string | {link: string}> = {}) => ({
  '/etc/ssh/sshd_config': text,
  ...extra,
})
const macs = {
  option: 'MACs' as const,
  forbidden: ['hmac-sha1*', 'umac-64*'],
  default: ['umac-64@openssh.com', 'hmac-sha2-256', 'hmac-sha1'],
}

checkTester.run(check, {
  valid: [
    {
      name: 'an explicit strong list',
      files: sshd('MACs hmac-sha2-256,hmac-sha2-512\n'),
      params: macs,
      evidence: ['MACs for user llmsec-probe from 203.0.113.7 (/etc/ssh/sshd_config:1): hmac-sha2-256,hmac-sha2-512'],
    },
    {
      name: '-list removes the weak defaults (patterns allowed)',
      files: sshd('MACs -umac-64*,hmac-sha1\n'),
      params: macs,
      evidence: [/: hmac-sha2-256$/],
    },
    {
      name: 'the first value wins: a strong list in an included file read before a weak one',
      files: sshd('Include /etc/ssh/sshd_config.d/*.conf\nMACs hmac-sha1\n', {
        '/etc/ssh/sshd_config.d/10-strong.conf': 'macs hmac-sha2-512\n',
      }),
      params: macs,
    },
  ],
  invalid: [
    {
      name: 'the default list offers weak MACs',
      status: 'fail',
      files: sshd('UsePAM yes\n'),
      params: macs,
      evidence: ['MACs for user llmsec-probe from 203.0.113.7 (sshd default) offers umac-64@openssh.com, hmac-sha1'],
    },
    {
      name: '+list appends a weak MAC to the default',
      status: 'fail',
      files: sshd('MACs +hmac-md5\n'),
      params: {...macs, forbidden: ['hmac-md5'], default: ['hmac-sha2-256']},
      includes: [/offers hmac-md5$/],
    },
    {
      name: '^list puts a weak MAC first',
      status: 'fail',
      files: sshd('MACs=^hmac-sha1\n'),
      params: {...macs, default: ['hmac-sha2-256']},
    },
    {
      name: 'a Match block re-adds a weak one',
      status: 'fail',
      files: sshd('MACs hmac-sha2-256\nMatch Address 10.0.0.0/8\n  MACs hmac-sha1\n'),
      params: macs,
      includes: [
        /^MACs for user llmsec-probe from 10\.0\.0\.0 \(Match Address 10\.0\.0\.0\/8 at .*\) offers hmac-sha1$/,
      ],
    },
    {
      name: 'an unreadable include is an error, never a pass',
      status: 'error',
      files: sshd('Include /etc/ssh/loop\nMACs hmac-sha2-256\n', {'/etc/ssh/loop': {link: '/etc/ssh/loop'}}),
      params: macs,
    },
  ],
  invalidParams: [
    {option: 'Protocol', forbidden: ['1'], default: ['2']},
    {option: 'MACs', forbidden: [], default: ['hmac-sha2-256']},
    {option: 'MACs', forbidden: ['a b'], default: ['x']},
  ],
})
