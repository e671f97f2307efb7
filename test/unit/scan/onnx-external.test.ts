import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, posix} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'

import {judgeExternalData, type ExternalRef} from '../../../src/scan/onnx-external.js'

// A model directory with 8 bytes of data, a link inside and links out (to a file and to a directory).
const dir = mkdtempSync(join(tmpdir(), 'llmsec-onnx-'))
mkdirSync(join(dir, 'weights'))
writeFileSync(join(dir, 'weights', 'w.data'), Buffer.alloc(8))
symlinkSync('w.data', join(dir, 'weights', 'alias.data'))
symlinkSync('/etc/passwd', join(dir, 'weights', 'out.data'))
symlinkSync('/etc', join(dir, 'etc-link'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const ref = (location: string, offsets: string[] = [], lengths: string[] = []): ExternalRef => ({
  tensor: 'w',
  locations: [location],
  offsets,
  lengths,
})
const codes = (r: ExternalRef, directory: string | null = dir) =>
  judgeExternalData([r], directory, null).map((f) => f.code)

describe('ONNX external data resolved against the model directory', () => {
  it.each([
    ['weights/w.data', [], []],
    ['./weights/w.data', ['0'], ['8']],
    ['weights/../weights/w.data', ['4'], ['4']],
    ['weights/alias.data', ['8'], ['0']],
  ])('%s (offsets %j, lengths %j) inside the directory is clean', (location, offsets, lengths) => {
    expect(codes(ref(location, offsets, lengths))).toEqual([])
  })

  it.each([
    ['/etc/passwd', /absolute path/],
    ['C:\\Windows\\win.ini', /Windows drive/],
    ['\\\\server\\share\\w', /Windows drive or UNC/],
    ['../w.data', /`\.\.` segments/],
    ['weights/../../w.data', /`\.\.` segments/],
    ['..\\..\\w.data', /`\.\.` segments/],
    ['weights/w.data\0/../../../etc/passwd', /NUL byte/],
    ['weights/out.data', /symbolic link to "\/etc\/passwd"/],
    ['etc-link/passwd', /symbolic link to "\/etc\/passwd"/],
  ])('%s is unsafe, the message naming the technique', (location, why) => {
    const [finding, ...rest] = judgeExternalData([ref(location)], dir, null)
    expect(rest).toEqual([])
    expect(finding).toMatchObject({code: 'ONNX_EXTERNAL_DATA_ESCAPE', message: expect.stringMatching(why)})
  })

  it('calls a location that is not there unknown, and bad offsets or lengths malformed', () => {
    expect(codes(ref('weights/none.data'))).toEqual(['ONNX_EXTERNAL_DATA_MISSING'])
    expect(codes(ref('weights/w.data', ['9']))).toEqual(['ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS'])
    expect(codes(ref('weights/w.data', ['4'], ['5']))).toEqual(['ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS'])
    expect(codes(ref('weights/w.data', ['0'], ['18446744073709551616']))).toEqual(['ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS'])
    expect(codes(ref('weights/w.data', ['-1']))).toEqual(['ONNX_EXTERNAL_DATA_INVALID'])
    expect(codes(ref('weights/w.data', [], ['8.0']))).toEqual(['ONNX_EXTERNAL_DATA_INVALID'])
    expect(codes(ref('weights'))).toEqual(['ONNX_EXTERNAL_DATA_INVALID'])
    expect(codes(ref(''))).toEqual(['ONNX_EXTERNAL_DATA_INVALID'])
    expect(codes({tensor: 'w', locations: [], offsets: ['0'], lengths: []})).toEqual(['ONNX_EXTERNAL_DATA_INVALID'])
  })

  it('judges every location of a tensor that repeats the key (readers differ on which wins)', () => {
    const twice = {...ref('weights/w.data'), locations: ['weights/w.data', '../../etc/passwd']}
    expect(codes(twice)).toEqual(['ONNX_EXTERNAL_DATA_ESCAPE'])
  })

  it('inside an archive (no directory) judges the spelling only', () => {
    expect(codes(ref('weights/none.data'), null)).toEqual([])
    expect(codes(ref('../x'), null)).toEqual(['ONNX_EXTERNAL_DATA_ESCAPE'])
  })

  it('reports a problem shared by many tensors once, and caps distinct ones', () => {
    const many = Array.from({length: 500}, (_, i) => ({...ref('/etc/passwd'), tensor: `t${i}`}))
    expect(judgeExternalData(many, dir, null)).toHaveLength(1)
    const distinct = Array.from({length: 500}, (_, i) => ref(`/etc/x${i}`))
    const findings = judgeExternalData(distinct, dir, null)
    expect(findings).toHaveLength(50)
    expect(findings[49].message).toMatch(/and 450 more external-data problems/)
  })

  it('never passes a location that resolves outside the directory (property)', () => {
    const segment = fc.constantFrom('..', '.', 'weights', 'w.data', 'etc-link', 'passwd', '', '\\..', '..\\')
    fc.assert(
      fc.property(fc.array(segment, {maxLength: 8}), fc.boolean(), (parts, absolute) => {
        const location = `${absolute ? '/' : ''}${parts.join('/')}`
        const outside = posix.relative(dir, posix.resolve(dir, location)).startsWith('..') || absolute
        const found = codes(ref(location))
        if (outside) expect(found, location).toContain('ONNX_EXTERNAL_DATA_ESCAPE')
        expect(found.length, location).toBeLessThanOrEqual(1)
      }),
      {numRuns: 500},
    )
  })
})
