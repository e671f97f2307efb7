import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execaSync} from 'execa'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'

import {scanBuffer, scanFile} from '../../../src/scan/index.js'
import {skipReason} from '../../helpers/env.js'

const PYTHON = '/usr/bin/python3'
const noH5py = execaSync(PYTHON, ['-c', 'import h5py, numpy'], {reject: false}).exitCode !== 0

const LAMBDA = {class_name: 'Lambda', config: {name: 'l', function: 'x'}}
const DENSE = {class_name: 'Dense', config: {name: 'd', units: 2}}

describe.skipIf(skipReason(noH5py, 'HDF5 tests need Debian python3-h5py'))(
  'legacy Keras .h5 through an HDF5 reader',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsec-h5-'))
    afterAll(() => rmSync(dir, {recursive: true, force: true}))

    /** Writes an .h5 with h5py: `body` runs with `h` open and `cfg(layer)` building a model_config. */
    function h5(name: string, body: string, open = "'w'"): string {
      const path = join(dir, name)
      const script = [
        'import h5py, json, numpy as np, sys',
        `LAMBDA, DENSE = json.loads(sys.argv[2]), json.loads(sys.argv[3])`,
        'cfg = lambda layer: json.dumps({"class_name": "Sequential", "config": {"layers": [DENSE, layer]}})',
        `with h5py.File(sys.argv[1], ${open}) as h:`,
        ...body.split('\n').map((line) => `    ${line}`),
      ].join('\n')
      execaSync(PYTHON, ['-c', script, path, JSON.stringify(LAMBDA), JSON.stringify(DENSE)])
      return path
    }

    it('finds a Lambda layer in model_config (bytes or str), and keeps the twin clean', () => {
      const evil = scanFile(h5('evil.h5', 'h.attrs["model_config"] = cfg(LAMBDA).encode()'))
      expect(evil).toMatchObject({format: 'hdf5', verdict: 'unsafe'})
      expect(evil.findings.map((f) => f.code)).toEqual(['KERAS_LAMBDA_LAYER'])
      expect(scanFile(h5('str.h5', 'h.attrs["model_config"] = cfg(LAMBDA)')).verdict).toBe('unsafe')
      const twin = h5('twin.h5', 'h.attrs["model_config"] = cfg(DENSE)\nh.create_dataset("w", data=np.zeros(4))')
      expect(scanFile(twin)).toMatchObject({verdict: 'clean', findings: []})
    })

    it('judges training_config too (its objects are deserialised on compile)', () => {
      const body =
        'h.attrs["model_config"] = cfg(DENSE)\nh.attrs["training_config"] = json.dumps({"loss": {"module": "mylab.losses", "class_name": "Focal", "config": {}}})'
      expect(scanFile(h5('train.h5', body)).findings.map((f) => f.code)).toEqual(['KERAS_CUSTOM_OBJECT'])
    })

    it('calls attributes in dense storage unknown, not clean (the reader cannot see them)', () => {
      const body = 'for i in range(20): h.attrs[f"pad{i}"] = "x" * 100\nh.attrs["model_config"] = cfg(LAMBDA)'
      const report = scanFile(h5('dense.h5', body, "'w', libver='latest'"))
      expect(report).toMatchObject({
        verdict: 'unknown',
        findings: [expect.objectContaining({code: 'HDF5_CONFIG_NOT_FOUND'})],
      })
    })

    it('never calls a config written after 70 MB of weights clean', () => {
      const body = 'h.create_dataset("w", data=np.zeros(70 * 1024 * 1024 // 8))\nh.attrs["model_config"] = cfg(LAMBDA)'
      expect(scanFile(h5('late.h5', body)).verdict).not.toBe('clean')
    })

    it('never fails internally on a damaged HDF5 file (property)', () => {
      const seed = readFileSync(h5('seed.h5', 'h.attrs["model_config"] = cfg(DENSE)'))
      fc.assert(
        fc.property(fc.nat(), fc.integer({min: 0, max: 255}), fc.nat(), (at, value, cut) => {
          const bytes = Buffer.from(seed)
          bytes[8 + (at % (bytes.length - 8))] = value
          const report = scanBuffer(bytes.subarray(0, bytes.length - (cut % 64)), 'm.h5')
          expect(report.findings.map((f) => f.code)).not.toContain('SCAN_INTERNAL_ERROR')
        }),
        {numRuns: 300},
      )
    })
  },
)
