import {describe, expect, it} from 'vitest'

import {detectModelFormat} from '../../../src/scan/index.js'

const detect = (buffer: Buffer) => detectModelFormat(buffer, buffer.length)

function zipWith(names: string[]): Buffer {
  const parts = names.map((name) => {
    const header = Buffer.alloc(30)
    header.write('PK\x03\x04', 0, 'latin1')
    header.writeUInt16LE(name.length, 26)
    return Buffer.concat([header, Buffer.from(name)])
  })
  return Buffer.concat(parts)
}

describe('detectModelFormat', () => {
  it('recognises GGUF by magic', () => expect(detect(Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'))).toBe('gguf'))

  it('recognises safetensors by its length-prefixed JSON header', () => {
    const header = Buffer.from('{"__metadata__":{}}')
    const prefix = Buffer.alloc(8)
    prefix.writeBigUInt64LE(BigInt(header.length))
    expect(detect(Buffer.concat([prefix, header]))).toBe('safetensors')
  })

  it('recognises pickles of protocol 2-5 and short protocol 0 pickles', () => {
    expect(detect(Buffer.from([0x80, 0x04, 0x95, 0x00, 0x2e]))).toBe('pickle')
    expect(detect(Buffer.from("(dp0\nS'a'\np1\nI1\ns.", 'latin1'))).toBe('pickle')
  })

  it('tells PyTorch, Keras and npz zips apart from plain zips', () => {
    expect(detect(zipWith(['archive/data.pkl', 'archive/data/0']))).toBe('pytorch-zip')
    expect(detect(zipWith(['config.json', 'metadata.json', 'model.weights.h5']))).toBe('keras')
    expect(detect(zipWith(['a.npy', 'b.npy']))).toBe('npz')
    expect(detect(zipWith(['readme.txt']))).toBe('zip')
  })

  it('recognises NumPy and HDF5 magic', () => {
    expect(detect(Buffer.from('\x93NUMPY\x01\x00', 'latin1'))).toBe('numpy')
    expect(detect(Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'))).toBe('hdf5')
  })

  it('says unknown for text and random bytes', () => {
    expect(detect(Buffer.from('hello world'))).toBe('unknown')
    expect(detect(Buffer.alloc(0))).toBe('unknown')
  })
})
