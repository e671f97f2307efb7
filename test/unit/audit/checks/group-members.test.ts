import {check} from '../../../../src/audit/checks/group-members.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {
  '/etc/passwd': 'root:x:0:0::/root:/bin/bash\nci:x:1001:998::/home/ci:/bin/bash\n',
  '/etc/group': 'docker:x:998:alice\nvideo:x:44:\n',
}

checkTester.run(check, {
  valid: [
    {name: 'listed and primary-group members all allowed', files, params: {group: 'docker', allowed: ['alice', 'ci']}},
    {name: 'a group without members', files, params: {group: 'video'}},
  ],
  invalid: [
    {
      name: 'members listed in /etc/group and users whose primary group it is',
      status: 'fail',
      files,
      params: {group: 'docker', allowed: []},
      evidence: ['group docker has members: alice, ci'],
    },
    {name: 'the group does not exist', status: 'not-applicable', files, params: {group: 'podman'}},
    {
      name: 'an unreadable /etc/group is no "does not exist"',
      status: 'error',
      params: {group: 'docker'},
      facts: {users: {users: [], groups: [], homes: ['/root'], unreadable: [denied('/etc/group')]}},
      reason: /^cannot read \/etc\/group/,
    },
  ],
  invalidParams: [{}, {group: ''}],
})
