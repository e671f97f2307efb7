import {check} from '../../../../src/audit/checks/resource-limit.js'
import {checkTester} from '../../../helpers/check-tester.js'

const params = {item: 'core', max: 0}
const LIMITS = '/etc/security/limits.conf'

checkTester.run(check, {
  valid: [
    {
      name: '* hard core 0 in limits.conf (a commented wider entry ignored)',
      files: {[LIMITS]: '#*  hard core unlimited\n*  hard  core  0\n'},
      params,
      evidence: ['/etc/security/limits.conf:2: * hard core 0'],
    },
    {name: '"-" sets soft and hard', files: {'/etc/security/limits.d/90-core.conf': '* - core 0\n'}, params},
    {
      name: 'a limits.d file read after limits.conf lowers it',
      files: {[LIMITS]: '* hard core 100\n', '/etc/security/limits.d/llmsec-core.conf': '* hard core 0\n'},
      params,
    },
    {name: 'a user entry at 0 too', files: {[LIMITS]: '* hard core 0\nbob hard core 0\n'}, params},
  ],
  invalid: [
    {
      name: 'no entry at all',
      status: 'fail',
      files: {[LIMITS]: '# <domain> <type> <item> <value>\n'},
      params,
      evidence: ['no hard core limit for every user (*) in /etc/security/limits.conf or /etc/security/limits.d/*.conf'],
    },
    {name: 'only a soft limit', status: 'fail', files: {[LIMITS]: '* soft core 0\n'}, params},
    {
      name: 'a later limits.d file raises it again',
      status: 'fail',
      files: {
        '/etc/security/limits.d/10-core.conf': '* hard core 0\n',
        '/etc/security/limits.d/99-dev.conf': '* hard core unlimited\n',
      },
      params,
      includes: ['/etc/security/limits.d/99-dev.conf:1: * hard core unlimited; expected at most 0'],
    },
    {
      name: 'a group entry raises it for its members',
      status: 'fail',
      files: {[LIMITS]: '* hard core 0\n@dev hard core unlimited\n'},
      params,
      includes: ['/etc/security/limits.conf:2: @dev hard core unlimited raises the limit above 0'],
    },
    {name: 'no limits files', status: 'fail', files: {'/etc/hostname': 'h\n'}, params},
  ],
  invalidParams: [{item: 'core'}, {item: 'Core;', max: 0}, {item: 'core', max: -1}],
})
