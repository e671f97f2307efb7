import {check} from '../../../../src/audit/checks/firewall-persistent.js'
import {checkTester} from '../../../helpers/check-tester.js'

checkTester.run(check, {
  valid: [
    {
      name: 'an enabled ufw with DROP',
      files: {'/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="DROP"\n'},
    },
  ],
  invalid: [
    {
      name: 'an accept policy that is not enabled',
      status: 'fail',
      files: {
        '/lib/systemd/systemd': '',
        '/etc/nftables.conf':
          'table inet f {\n chain input {\n  type filter hook input priority 0; policy accept;\n }\n}\n',
      },
      evidence: ['nftables (/etc/nftables.conf): not enabled, inbound default accept'],
    },
    {
      name: 'nothing configured',
      status: 'fail',
      files: {'/etc/hostname': 'h\n'},
      evidence: [/no firewall configuration/],
    },
  ],
})
