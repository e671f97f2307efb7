import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {atLeast} from '../../../src/core/severity.js'
import {scanFile, type FileReport} from '../../../src/scan/index.js'
import {repoRoot} from '../../helpers/cli.js'

const dir = join(repoRoot, 'fixtures', 'scan')
const scan = (name: string): FileReport => scanFile(join(dir, name))
const aboveLow = (report: FileReport) => report.findings.filter((f) => atLeast(f.severity, 'medium'))

const BENIGN: [string, string][] = [
  ['torch-zip-benign.pt', 'pytorch-zip'],
  ['torch-legacy-benign.pt', 'pytorch-legacy'],
  ['numpy-benign.npy', 'numpy'],
  ['numpy-object-benign.npy', 'numpy'],
  ['npz-benign.npz', 'npz'],
  ['npz-compressed-benign.npz', 'npz'],
  ['joblib-benign.joblib', 'joblib'],
  ['joblib-zlib-benign.joblib', 'joblib'],
  ['keras-benign.keras', 'keras'],
  ['keras-legacy-benign.h5', 'hdf5'],
  ['safetensors-benign.safetensors', 'safetensors'],
  ['gguf-benign.gguf', 'gguf'],
  ['onnx-external-benign.onnx', 'onnx'],
  ...[0, 1, 2, 3, 4, 5].map((p): [string, string] => [`pickle-benign-p${p}.pkl`, 'pickle']),
]

const MALICIOUS: [string, string, string, string][] = [
  ['pickle-os-system-p0.pkl', 'pickle', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['pickle-os-system-p2.pkl', 'pickle', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['pickle-os-system-p4.pkl', 'pickle', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['pickle-eval-p5.pkl', 'pickle', 'PICKLE_DANGEROUS_GLOBAL', 'builtins.eval'],
  ['torch-zip-malicious.pt', 'pytorch-zip', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['torch-legacy-malicious.pt', 'pytorch-legacy', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['numpy-object-malicious.npy', 'numpy', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['npz-malicious.npz', 'npz', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['joblib-malicious.joblib', 'joblib', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['joblib-gzip-malicious.joblib', 'compressed', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
  ['keras-lambda.keras', 'keras', 'KERAS_LAMBDA_LAYER', 'Lambda'],
  ['keras-legacy-lambda.h5', 'hdf5', 'KERAS_LAMBDA_LAYER', 'Lambda'],
  ['zip-nested-malicious.zip', 'zip', 'PICKLE_DANGEROUS_GLOBAL', 'posix.system'],
]

describe('committed fixtures (fixtures/scan, made by generate.py)', () => {
  it('has a fixture for every file this test names', () => {
    const present = new Set(readdirSync(dir))
    for (const [name] of [...BENIGN, ...MALICIOUS]) expect(present.has(name), name).toBe(true)
  })

  it.each(BENIGN)('benign %s is %s with no finding above low', (name, format) => {
    const report = scan(name)
    expect(report.format).toBe(format)
    expect(aboveLow(report)).toEqual([])
    expect(report.verdict).toBe('clean')
  })

  it.each(MALICIOUS)('malicious %s (%s) is unsafe with %s naming %s', (name, format, code, global) => {
    const report = scan(name)
    expect(report.format).toBe(format)
    expect(report.verdict).toBe('unsafe')
    expect(report.findings).toContainEqual(expect.objectContaining({code, globals: expect.arrayContaining([global])}))
  })

  it.each([
    ['safetensors-overlap.safetensors', 'safetensors', 'SAFETENSORS_OFFSET_OVERLAP'],
    ['gguf-offset-out-of-bounds.gguf', 'gguf', 'GGUF_TENSOR_OUT_OF_BOUNDS'],
  ])('malformed %s (%s) is reported as %s', (name, format, code) => {
    expect(scan(name)).toMatchObject({
      format,
      verdict: 'malformed',
      findings: [expect.objectContaining({code, severity: 'high'})],
    })
  })

  it('finds pickles hidden in a zip under a storage-like name and a .txt name', () => {
    const report = scan('zip-misleading-name.bin')
    const members = report.findings.filter((f) => f.code === 'PICKLE_DANGEROUS_GLOBAL').map((f) => f.member)
    expect(members.sort()).toEqual(['notes/readme.txt', 'torch-zip-benign/data/99'])
  })

  it('finds the legacy torch payload in the 4th pickle, after three benign ones', () => {
    const finding = scan('torch-legacy-malicious.pt').findings.find((f) => f.code === 'PICKLE_DANGEROUS_GLOBAL')
    expect(finding?.message).toMatch(/^pickle #4:/)
  })

  it('names the nested member path inside archives', () => {
    expect(scan('zip-nested-malicious.zip').findings[0].member).toBe('inner/archive.zip!payload/model.bin')
    expect(scan('npz-malicious.npz').findings.map((f) => f.member)).toContain('b.npy')
  })

  it('reports ONNX external data that escapes the model directory', () => {
    expect(scan('onnx-external-escape.onnx').findings).toEqual([
      expect.objectContaining({code: 'ONNX_EXTERNAL_DATA_ESCAPE', severity: 'high'}),
    ])
  })
})
