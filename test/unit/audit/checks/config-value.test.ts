import {describe, expect, it} from 'vitest'

import {check, readConfigValue} from '../../../../src/audit/checks/config-value.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {'/etc/login.defs': '# UMASK 077\nUMASK 022\nUMASK\t027\n', '/etc/a.conf': 'Key = "yes"\n'}
const umask = {path: '/etc/login.defs', key: 'UMASK', values: ['027', '077'], separator: 'space' as const}

describe('readConfigValue', () => {
  it('reads the last assignment, ignoring comments', () => {
    expect(readConfigValue('# UMASK 077\nUMASK 022\nUMASK 027\n', 'UMASK', 'space', false)).toBe('027')
  })
})

checkTester.run(check, {
  valid: [
    {name: 'the last assignment wins, comments ignored', files, params: umask},
    {
      name: 'values are unquoted and case can be ignored',
      files,
      params: {path: '/etc/a.conf', key: 'key', values: ['YES'], ignoreCase: true},
    },
  ],
  invalid: [
    {name: 'a value not allowed', status: 'fail', files, params: {...umask, values: ['077']}},
    {
      name: 'an unset key takes the default',
      status: 'fail',
      files,
      params: {path: '/etc/a.conf', key: 'Other', values: ['no'], default: 'yes'},
      evidence: [/\(default\)/],
    },
    {
      name: 'a missing file',
      status: 'fail',
      files,
      params: {path: '/etc/nope.conf', key: 'K', values: ['1']},
      evidence: ['/etc/nope.conf does not exist'],
      location: '/etc/nope.conf',
    },
  ],
  invalidParams: [
    {path: 'etc/x', key: 'K', values: ['1']},
    {path: '/x', key: 'K', values: []},
    {path: '/x', key: 'K'},
    // Optional means absent, not null (the schema's nullable markers are for TypeScript only).
    {path: '/x', key: 'K', values: ['1'], default: null},
  ],
})
