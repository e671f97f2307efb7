import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseDurationDays} from '../../../../src/audit/check-helpers.js'
import {logrotateDays} from '../../../../src/audit/checks/log-retention.js'
import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('log-retention', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/etc/logrotate.conf': 'weekly\nrotate 4\n/var/log/x {\n  rotate 99\n}\n'})
  })
  afterAll(() => removeRoot(root))

  it('computes retention from logrotate globals and journald durations', () => {
    expect(logrotateDays('weekly\nrotate 4\n/var/log/x {\n rotate 99\n}')).toBe(35)
    expect(logrotateDays('rotate 4\n')).toBeNull()
    expect(parseDurationDays('1year')).toBeCloseTo(365.25)
    expect(parseDurationDays('6month')).toBeCloseTo(182.64)
    expect(parseDurationDays('2w 1d')).toBe(15)
    expect(parseDurationDays('forever')).toBeNull()
  })

  it('checks the range', async () => {
    expect((await runCheck('log-retention', {minDays: 30}, {root})).status).toBe('pass')
    const out = await runCheck('log-retention', {minDays: 365}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual([
      'logrotate global rotate × period: 35 days (/etc/logrotate.conf)',
      'expected 365+ days',
    ])
    expect((await runCheck('log-retention', {minDays: 1, maxDays: 30}, {root})).status).toBe('fail')
  })
})
