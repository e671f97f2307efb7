import {describe, expect, it} from 'vitest'

import {describeProgress} from '../../../src/cli/progress.js'
import {renderTable} from '../../../src/cli/table.js'
import {formatBytes} from '../../../src/core/format.js'

describe('describeProgress', () => {
  it('shows percent, bytes, rate and ETA', () => {
    const line = describeProgress({phase: 'hashing', done: 500e6, total: 1000e6, unit: 'bytes'}, 0, 1000)
    expect(line).toBe(' 50%  hashing  476.8 MiB / 953.7 MiB  500 MB/s  ETA 1s')
  })

  it('shows counts without a total', () => {
    expect(describeProgress({phase: 'scanning', done: 12, unit: 'files', detail: 'a.pkl'}, 0, 100)).toBe(
      'scanning  12 files  a.pkl',
    )
  })
})

describe('renderTable', () => {
  it('aligns columns under a rule', () => {
    expect(
      renderTable(
        [
          ['a', 'bb'],
          ['ccc', 'd'],
        ],
        {head: ['x', 'y']},
      ),
    ).toBe('x    y\n───  ──\na    bb\nccc  d')
  })

  it('formats bytes in binary units', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(null), formatBytes(5 * 1024 ** 5)]).toEqual([
      '0 B',
      '1.5 KiB',
      '-',
      '5.0 PiB',
    ])
  })
})
