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
    {
      name: 'a number within min and max',
      files: {'/etc/login.defs': 'PASS_MAX_DAYS 99999\nPASS_MAX_DAYS\t90\n'},
      params: {path: '/etc/login.defs', key: 'PASS_MAX_DAYS', min: 1, max: 365, separator: 'space'},
    },
    {name: 'the last assignment wins, comments ignored', files, params: umask},
    {
      name: 'values are unquoted and case can be ignored',
      files,
      params: {path: '/etc/a.conf', key: 'key', values: ['YES'], ignoreCase: true},
    },
  ],
  invalid: [
    {
      name: 'a number beyond max (the fix writes max)',
      status: 'fail',
      files: {'/etc/login.defs': 'PASS_MAX_DAYS 99999\n'},
      params: {path: '/etc/login.defs', key: 'PASS_MAX_DAYS', min: 1, max: 365, separator: 'space'},
      evidence: ['/etc/login.defs: PASS_MAX_DAYS = 99999; expected ≥ 1, ≤ 365'],
    },
    {
      name: 'a non-number where a range is asked never passes',
      status: 'fail',
      files: {'/etc/default/useradd': 'INACTIVE=never\n'},
      params: {path: '/etc/default/useradd', key: 'INACTIVE', min: 0, max: 45},
    },
    {
      name: 'an unset key takes a default below min',
      status: 'fail',
      files: {'/etc/default/useradd': 'SHELL=/bin/sh\n'},
      params: {path: '/etc/default/useradd', key: 'INACTIVE', min: 0, max: 45, default: '-1'},
    },
    {
      name: 'an unreadable file is an error',
      status: 'error',
      files: {'/etc/login.defs': {dir: 0o755}},
      params: {path: '/etc/login.defs', key: 'PASS_MIN_DAYS', min: 1, separator: 'space'},
    },
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
