import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/core/errors.js'
import {exitCodeFor, scanBuffer, type ScanResult} from '../../../src/scan/index.js'
import {callPickle} from '../../helpers/pickle-builder.js'

const scanOf = (...buffers: Buffer[]): ScanResult =>
  ({files: buffers.map((b, i) => scanBuffer(b, `m${i}.pkl`)), summary: {}}) as unknown as ScanResult

describe('exitCodeFor', () => {
  it('scan: 1 once a finding reaches --fail-on, a benign twin stays 0', () => {
    const evil = callPickle('os', 'system')
    const benign = callPickle('collections', 'OrderedDict')
    expect(exitCodeFor(scanOf(benign, evil))).toBe(ExitCode.Findings)
    expect(exitCodeFor(scanOf(benign))).toBe(ExitCode.Ok)
    expect(exitCodeFor(scanOf(evil), {failOn: 'critical'})).toBe(ExitCode.Findings)
    const unknown = scanOf(callPickle('somepkg.layers', 'Dense'))
    const unknownSeverity = unknown.files[0].findings[0].severity
    expect(exitCodeFor(unknown, {failOn: unknownSeverity})).toBe(ExitCode.Findings)
    expect(exitCodeFor(unknown, {failOn: 'critical'})).toBe(ExitCode.Ok)
  })
})
