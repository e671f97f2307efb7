import {check} from '../../../../src/audit/checks/shell-timeout.js'
import {checkTester} from '../../../helpers/check-tester.js'

const params = {max: 900}
const TMOUT = 'TMOUT=900\nreadonly TMOUT\nexport TMOUT\n'

checkTester.run(check, {
  valid: [
    {
      name: 'a profile.d script sets, locks and exports it',
      files: {'/etc/profile.d/tmout.sh': TMOUT},
      params,
      evidence: [
        '/etc/profile.d/tmout.sh:1: TMOUT=900',
        'readonly at /etc/profile.d/tmout.sh:2',
        'exported at /etc/profile.d/tmout.sh:3',
      ],
    },
    {
      name: 'one line: readonly TMOUT=600; export TMOUT',
      files: {'/etc/profile': 'readonly TMOUT=600; export TMOUT\n'},
      params,
    },
    {name: 'declare -rx TMOUT=300 in bash.bashrc', files: {'/etc/bash.bashrc': 'declare -rx TMOUT=300\n'}, params},
    {
      name: 'a stricter value (60) quoted',
      files: {'/etc/profile': 'TMOUT="60"\nreadonly TMOUT\nexport TMOUT\n'},
      params,
    },
  ],
  invalid: [
    {
      name: 'not set anywhere',
      status: 'fail',
      files: {'/etc/profile': 'PATH=/usr/bin:/bin\n'},
      params,
      evidence: ['TMOUT is not set in /etc/profile, /etc/bash.bashrc or /etc/profile.d/*.sh'],
    },
    {
      name: 'only commented out',
      status: 'fail',
      files: {'/etc/profile': '# TMOUT=900\n#readonly TMOUT\n# export TMOUT\n'},
      params,
    },
    {
      name: 'a later profile.d script sets a larger value',
      status: 'fail',
      files: {'/etc/profile.d/10-tmout.sh': TMOUT, '/etc/profile.d/90-dev.sh': 'TMOUT=3600\n'},
      params,
      includes: ['/etc/profile.d/90-dev.sh:1: TMOUT=3600; expected 1 to 900 seconds'],
    },
    {
      name: 'TMOUT=0 turns the timeout off',
      status: 'fail',
      files: {'/etc/profile': 'readonly TMOUT=0\nexport TMOUT\n'},
      params,
    },
    {
      name: 'set but not readonly',
      status: 'fail',
      files: {'/etc/profile': 'export TMOUT=900\n'},
      params,
      includes: ['TMOUT is not readonly (a user can unset it)'],
    },
    {
      name: 'set but not exported',
      status: 'fail',
      files: {'/etc/profile': 'readonly TMOUT=900\n'},
      params,
      includes: ['TMOUT is not exported (subshells do not inherit it)'],
    },
    {
      name: 'a file that is not *.sh in profile.d is not read',
      status: 'fail',
      files: {'/etc/profile.d/tmout.sh.disabled': TMOUT},
      params,
    },
  ],
  invalidParams: [{}, {max: 0}, {max: 900, extra: 1}],
})
