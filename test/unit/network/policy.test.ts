import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/core/errors.js'
import {exitCodeFor, type EgressReport, type FirewallReport} from '../../../src/network/index.js'

describe('exitCodeFor', () => {
  it('firewall: 1 on a high or critical finding only; egress: 1 on a reachable target that is not allowed', () => {
    const firewall = (...severities: string[]) =>
      ({findings: severities.map((severity) => ({id: 'x', severity}))}) as unknown as FirewallReport
    expect(exitCodeFor(firewall('medium', 'high'))).toBe(ExitCode.Findings)
    expect(exitCodeFor(firewall('critical'))).toBe(ExitCode.Findings)
    expect(exitCodeFor(firewall('medium', 'low'))).toBe(ExitCode.Ok)
    const egress = (violations: string[]) => ({targets: [], violations, defaults: false, timeoutMs: 1}) as EgressReport
    expect(exitCodeFor(egress(['pypi.org:443']))).toBe(ExitCode.Findings)
    expect(exitCodeFor(egress([]))).toBe(ExitCode.Ok)
  })
})
