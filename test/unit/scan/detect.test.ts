import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectModelFormat, isPickleBased} from '../../../src/scan/index.js'
import {repoRoot} from '../../helpers/cli.js'

const fixture = (name: string) => readFileSync(join(repoRoot, 'fixtures', 'scan', name))

describe('detectModelFormat', () => {
  it.each([
    ['pickle-benign-p0.pkl', 'pickle'],
    ['pickle-benign-p1.pkl', 'pickle'],
    ['pickle-benign-p4.pkl', 'pickle'],
    ['torch-legacy-benign.pt', 'pickle'],
    ['torch-zip-benign.pt', 'pytorch-zip'],
    ['npz-benign.npz', 'npz'],
    ['keras-benign.keras', 'keras'],
    ['numpy-benign.npy', 'numpy'],
    ['safetensors-benign.safetensors', 'safetensors'],
    ['gguf-benign.gguf', 'gguf'],
    ['keras-legacy-benign.h5', 'hdf5'],
    ['onnx-external-benign.onnx', 'onnx'],
  ])('detects %s as %s by content', (name, format) => {
    const bytes = fixture(name)
    expect(detectModelFormat(bytes, bytes.length)).toBe(format)
  })

  it('detects protocol 0/1 pickles larger than the head from their opening', () => {
    const head = Buffer.from('(dp0\nVname\np1\nVx\np2\ns', 'latin1')
    expect(detectModelFormat(head, 10 * 1024 * 1024)).toBe('pickle')
    expect(detectModelFormat(Buffer.from('cos\nsystem\n(S"ls"\ntR.', 'latin1'), 5_000_000)).toBe('pickle')
    expect(detectModelFormat(Buffer.from('(just some text that is not a pickle', 'latin1'), 5_000_000)).toBe('unknown')
  })

  it('keeps isPickleBased for the formats that can carry code', () => {
    expect(['pickle', 'pytorch-zip', 'npz'].every((f) => isPickleBased(f as 'pickle'))).toBe(true)
    expect(isPickleBased('safetensors')).toBe(false)
  })
})
