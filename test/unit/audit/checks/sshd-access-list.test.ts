import {check} from '../../../../src/audit/checks/sshd-access-list.js'
import {checkTester} from '../../../helpers/check-tester.js'

const sshd = (text: string) => ({'/etc/ssh/sshd_config': text})

checkTester.run(check, {
  valid: [
    {
      name: 'AllowGroups in the global section',
      files: sshd('AllowGroups sshusers\n'),
      evidence: [/^AllowGroups sshusers for user \S+ from \S+ \(\/etc\/ssh\/sshd_config:1\)$/],
    },
    {
      name: 'AllowUsers through an Include',
      files: {
        ...sshd('Include /etc/ssh/sshd_config.d/*.conf\n'),
        '/etc/ssh/sshd_config.d/a.conf': 'AllowUsers alice bob@10.0.0.*\n',
      },
    },
    {
      name: 'a Match block narrows it further',
      files: sshd('AllowGroups sshusers\nMatch Address 10.0.0.0/8\n  AllowUsers alice\n'),
    },
  ],
  invalid: [
    {
      name: 'neither is set',
      status: 'fail',
      files: sshd('UsePAM yes\n'),
      includes: [/^neither AllowUsers nor AllowGroups restricts user /],
    },
    {name: 'only commented out', status: 'fail', files: sshd('# AllowGroups sshusers\n#AllowUsers alice\n')},
    {name: 'AllowUsers * names everyone', status: 'fail', files: sshd('AllowUsers *\n')},
    {name: 'DenyUsers alone is not an allow list', status: 'fail', files: sshd('DenyUsers guest\n')},
    {name: 'no SSH server', status: 'not-applicable', files: {'/etc/hostname': 'h\n'}, reason: /no SSH server/},
  ],
})
