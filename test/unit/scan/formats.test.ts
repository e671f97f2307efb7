import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {scanBuffer, scanFile} from '../../../src/scan/index.js'
import {checkKerasJson} from '../../../src/scan/keras.js'
import {escapesModelDir} from '../../../src/scan/onnx-external.js'
import {globToRegExp} from '../../../src/core/glob.js'
import {isExcluded} from '../../../src/scan/walk.js'
import {isRoot} from '../../helpers/env.js'
import {callPickle} from '../../helpers/pickle-builder.js'

const codes = (bytes: Buffer, name: string) => scanBuffer(bytes, name).findings.map((f) => f.code)

function npy(header: string, data: Buffer): Buffer {
  const text = Buffer.from(header.padEnd(117, ' ') + '\n', 'latin1')
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8])
  return Buffer.concat([prefix, text, data])
}

describe('numpy .npy', () => {
  it('accepts a float array whose data matches its shape', () => {
    expect(
      codes(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Buffer.alloc(24)), 'a.npy'),
    ).toEqual([])
  })

  it('reports a size mismatch and a header that is not a numpy dict', () => {
    expect(codes(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Buffer.alloc(8)), 'a.npy')).toEqual(
      ['NUMPY_SIZE_MISMATCH'],
    )
    expect(codes(npy("{'descr': '<f4', 'shape': (__import__('os'),), }", Buffer.alloc(8)), 'a.npy')).toEqual([
      'NUMPY_BAD_HEADER',
    ])
  })

  it('walks the pickle of an object array', () => {
    const file = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", callPickle('subprocess', 'call'))
    expect(codes(file, 'a.npy')).toEqual(['NUMPY_OBJECT_ARRAY', 'PICKLE_DANGEROUS_GLOBAL'])
  })
})

describe('pickle files', () => {
  it('reports data after the last pickle in a plain pickle file (low)', () => {
    const report = scanBuffer(Buffer.concat([callPickle('collections', 'OrderedDict'), Buffer.from('junk')]), 'a.pkl')
    expect(report.findings).toEqual([expect.objectContaining({code: 'PICKLE_TRAILING_DATA', severity: 'low'})])
    expect(report.verdict).toBe('clean')
  })

  it('scans a second pickle appended after the first', () => {
    const report = scanBuffer(
      Buffer.concat([callPickle('collections', 'OrderedDict'), callPickle('os', 'system')]),
      'a.pkl',
    )
    expect(report.findings[0]).toMatchObject({
      code: 'PICKLE_DANGEROUS_GLOBAL',
      message: expect.stringMatching(/^pickle #2/),
    })
  })

  it('calls content no format claims under a model extension unknown, never clean', () => {
    expect(scanBuffer(Buffer.from('not a pickle at all'), 'model.pt')).toMatchObject({
      format: 'unknown',
      verdict: 'unknown',
      findings: [expect.objectContaining({code: 'FORMAT_UNKNOWN', severity: 'high'})],
    })
  })
})

describe('keras configs', () => {
  it('reports custom objects from modules outside Keras as not allowed (high)', () => {
    const config = {
      class_name: 'Sequential',
      module: 'keras',
      config: {layers: [{class_name: 'Evil', module: 'mypkg.layers', config: {}}]},
    }
    expect(checkKerasJson(JSON.stringify(config), 'config.json')).toEqual([
      expect.objectContaining({code: 'KERAS_CUSTOM_OBJECT', severity: 'high', globals: ['mypkg.layers.Evil']}),
    ])
  })

  it('reports a config that is not JSON', () => {
    expect(checkKerasJson('{oops', 'config.json').map((f) => f.code)).toEqual(['KERAS_BAD_CONFIG'])
  })
})

describe('onnx external data', () => {
  it.each([
    ['weights.bin', false],
    ['sub/dir/w.bin', false],
    ['./w.bin', false],
    ['../w.bin', true],
    ['sub/../../w.bin', true],
    ['/etc/passwd', true],
    ['C:\\Windows\\win.ini', true],
    ['..\\..\\secret', true],
    ['', true],
  ])('%s escapes: %s', (location, escapes) => {
    expect(escapesModelDir(location)).toBe(escapes)
  })

  it('reports a truncated protobuf as malformed', () => {
    expect(
      codes(
        Buffer.from([0x08, 0x08, 0x12, 0x07, 0x70, 0x79, 0x74, 0x6f, 0x72, 0x63, 0x68, 0x3a, 0x50, 0x01]),
        'm.onnx',
      ),
    ).toEqual(['ONNX_MALFORMED'])
  })
})

describe('exclude globs', () => {
  it('matches basenames, paths, ** and braces', () => {
    const patterns = ['*.txt', 'cache/**', '**/tmp/*.bin', '{a,b}.pt'].map(globToRegExp)
    expect(isExcluded('notes.txt', patterns)).toBe(true)
    expect(isExcluded('deep/dir/notes.txt', patterns)).toBe(true)
    expect(isExcluded('cache/x/y.pt', patterns)).toBe(true)
    expect(isExcluded('m/tmp/z.bin', patterns)).toBe(true)
    expect(isExcluded('b.pt', patterns)).toBe(true)
    expect(isExcluded('c.pt', patterns)).toBe(false)
    expect(isExcluded('model.safetensors', patterns)).toBe(false)
  })
})

describe('scanFile', () => {
  it('turns an unreadable file into a finding instead of failing the whole scan', (context) => {
    if (isRoot) {
      console.warn('[skip] running as root: file permissions do not stop reads')
      return context.skip()
    }
    const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-'))
    try {
      const path = join(dir, 'locked.pt')
      writeFileSync(path, callPickle('os', 'system'))
      chmodSync(path, 0)
      expect(scanFile(path)).toMatchObject({
        verdict: 'malformed',
        findings: [expect.objectContaining({code: 'FILE_UNREADABLE'})],
      })
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
