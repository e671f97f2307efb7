import {File} from 'jsfive'

import type {ByteSource} from './source.js'

/** HDF5 object header message types (HDF5 File Format Specification, section IV.A.2). */
const ATTRIBUTE_MESSAGE = 0x0c
const ATTRIBUTE_INFO_MESSAGE = 0x15

/** A legacy Keras .h5 keeps its config in root attributes near the start: this much is read, no more. */
const MAX_HDF5_READ = 64 * 1024 * 1024

export type RootAttributes = {attributes: [string, unknown][]} | {problem: string}

/** Whether an Attribute Info message points at a fractal heap, i.e. attributes kept in dense storage. */
function hasDenseAttributes(view: DataView, offset: number): boolean {
  const flags = view.getUint8(offset + 1)
  const heap = offset + 2 + (flags & 1 ? 2 : 0)
  return view.getBigUint64(heap, true) !== 0xffffffffffffffffn
}

const describe = (error: unknown) =>
  String(error instanceof Error ? error.message : error)
    .replace(/\s+/g, ' ')
    .slice(0, 160)

/**
 * The root group's attributes of an HDF5 file, read with jsfive (a pure JavaScript HDF5 reader after
 * pyfive) over the first MAX_HDF5_READ bytes. Attributes in dense storage (a fractal heap, which
 * jsfive does not read) and anything jsfive cannot parse are a `problem`: never an empty answer.
 */
export function readRootAttributes(source: ByteSource): RootAttributes {
  const bytes = source.read(0, Math.min(source.size, MAX_HDF5_READ))
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : new Uint8Array(bytes).buffer
  try {
    const root = new File(buffer, 'model.h5')._dataobjects
    const view = new DataView(buffer)
    for (const info of root.find_msg_type(ATTRIBUTE_INFO_MESSAGE))
      if (hasDenseAttributes(view, info.get('offset_to_message')))
        return {problem: 'its root attributes are in dense storage, which this reader does not read'}
    const attributes = root
      .find_msg_type(ATTRIBUTE_MESSAGE)
      .map((message) => root.unpack_attribute(message.get('offset_to_message')))
    return {attributes}
  } catch (error) {
    const where = source.size > MAX_HDF5_READ ? ` within the first ${MAX_HDF5_READ / 1024 / 1024} MiB` : ''
    return {problem: `the HDF5 structure could not be read${where} (${describe(error)})`}
  }
}
