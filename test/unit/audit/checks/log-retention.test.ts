import {describe, expect, it} from 'vitest'

import {parseDurationDays} from '../../../../src/audit/check-helpers.js'
import {check, logrotateDays} from '../../../../src/audit/checks/log-retention.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {'/etc/logrotate.conf': 'weekly\nrotate 4\n/var/log/x {\n  rotate 99\n}\n'}

describe('retention arithmetic', () => {
  it('computes retention from logrotate globals and journald durations', () => {
    expect(logrotateDays('weekly\nrotate 4\n/var/log/x {\n rotate 99\n}')).toBe(35)
    expect(logrotateDays('rotate 4\n')).toBeNull()
    expect(parseDurationDays('1year')).toBeCloseTo(365.25)
    expect(parseDurationDays('6month')).toBeCloseTo(182.64)
    expect(parseDurationDays('2w 1d')).toBe(15)
    expect(parseDurationDays('forever')).toBeNull()
  })
})

checkTester.run(check, {
  valid: [{name: 'logrotate globals within minDays', files, params: {minDays: 30}}],
  invalid: [
    {
      name: 'below minDays',
      status: 'fail',
      files,
      params: {minDays: 365},
      evidence: ['logrotate global rotate × period: 35 days (/etc/logrotate.conf)', 'expected 365+ days'],
    },
    {name: 'above maxDays', status: 'fail', files, params: {minDays: 1, maxDays: 30}},
    {
      name: 'nothing configured',
      status: 'fail',
      files: {'/etc/hostname': 'h\n'},
      evidence: ['no log retention configured (journald MaxRetentionSec, /etc/logrotate.conf)'],
    },
  ],
  invalidParams: [{minDays: -1}, {maxDays: 0}],
})
