import {isAbsolute, normalize, posix, win32} from 'node:path'

import {makeFinding} from './codes.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

const MAX_DEPTH = 32
const MAX_FIELDS = 10_000_000

/** Protobuf field numbers (onnx.proto3) that lead to TensorProtos. */
const MODEL_GRAPH = 7
const GRAPH = {node: 1, initializer: 5, sparseInitializer: 15}
const NODE_ATTRIBUTE = 5
const ATTRIBUTE = {t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23}
/** SparseTensorProto: values and indices are both TensorProtos, either may be external. */
const SPARSE_PARTS = new Set([1, 2])
const TENSOR = {name: 8, externalData: 13}

interface Field {
  number: number
  wire: number
  start: number
  end: number
}

class Reader {
  fields = 0
  constructor(readonly source: ByteSource) {}

  varint(pos: number): [number, number] {
    const bytes = this.source.read(pos, 10)
    let value = 0
    let scale = 1
    for (let i = 0; i < bytes.length; i++) {
      value += (bytes[i] & 0x7f) * scale
      scale *= 128
      if ((bytes[i] & 0x80) === 0) return [value, pos + i + 1]
    }
    throw new Error(`bad varint at byte ${pos}`)
  }

  /** Lists the fields of the message in [start, end) without reading length-delimited payloads. */
  *fieldsOf(start: number, end: number): Generator<Field> {
    let pos = start
    while (pos < end) {
      if (++this.fields > MAX_FIELDS) throw new Error('too many protobuf fields')
      const [key, afterKey] = this.varint(pos)
      const wire = key % 8
      const number = Math.floor(key / 8)
      let fieldEnd: number
      let dataStart = afterKey
      if (wire === 0) fieldEnd = this.varint(afterKey)[1]
      else if (wire === 1) fieldEnd = afterKey + 8
      else if (wire === 5) fieldEnd = afterKey + 4
      else if (wire === 2) {
        const [length, afterLength] = this.varint(afterKey)
        dataStart = afterLength
        fieldEnd = afterLength + length
      } else throw new Error(`unsupported wire type ${wire} at byte ${pos}`)
      if (fieldEnd > end) throw new Error(`field ${number} at byte ${pos} runs past its message`)
      yield {number, wire, start: dataStart, end: fieldEnd}
      pos = fieldEnd
    }
  }

  text(field: Field): string {
    return this.source.read(field.start, Math.min(field.end - field.start, 4096)).toString('utf8')
  }
}

/** Whether an external-data location leaves the model's directory (absolute, drive letter, or ../ escape). */
export function escapesModelDir(location: string): boolean {
  if (location === '' || isAbsolute(location) || win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) return true
  const normalised = normalize(location.replaceAll('\\', '/'))
  return normalised === '..' || normalised.startsWith('../') || posix.isAbsolute(normalised)
}

function checkTensor(r: Reader, field: Field, findings: Finding[], member: string | null): void {
  let name = '?'
  const locations: string[] = []
  for (const f of r.fieldsOf(field.start, field.end)) {
    if (f.number === TENSOR.name && f.wire === 2) name = r.text(f)
    if (f.number !== TENSOR.externalData || f.wire !== 2) continue
    let key = ''
    let value = ''
    for (const kv of r.fieldsOf(f.start, f.end)) {
      if (kv.number === 1 && kv.wire === 2) key = r.text(kv)
      if (kv.number === 2 && kv.wire === 2) value = r.text(kv)
    }
    if (key === 'location') locations.push(value)
  }
  for (const location of locations.filter(escapesModelDir))
    findings.push(
      makeFinding(
        'ONNX_EXTERNAL_DATA_ESCAPE',
        `tensor "${name}" reads external data from "${location}", outside the model directory`,
        member,
      ),
    )
}

function checkSparse(r: Reader, field: Field, findings: Finding[], member: string | null): void {
  for (const part of r.fieldsOf(field.start, field.end))
    if (SPARSE_PARTS.has(part.number) && part.wire === 2) checkTensor(r, part, findings, member)
}

/** onnx/external_data_helper.py: every TensorProto of the graph, its nodes' attributes and subgraphs may be external. */
function walkGraph(
  r: Reader,
  start: number,
  end: number,
  depth: number,
  findings: Finding[],
  member: string | null,
): void {
  if (depth > MAX_DEPTH) throw new Error('graphs nest too deeply')
  for (const f of r.fieldsOf(start, end)) {
    if (f.wire !== 2) continue
    if (f.number === GRAPH.initializer) checkTensor(r, f, findings, member)
    else if (f.number === GRAPH.sparseInitializer) checkSparse(r, f, findings, member)
    else if (f.number === GRAPH.node) {
      for (const a of r.fieldsOf(f.start, f.end)) {
        if (a.number !== NODE_ATTRIBUTE || a.wire !== 2) continue
        for (const v of r.fieldsOf(a.start, a.end)) {
          if (v.wire !== 2) continue
          if (v.number === ATTRIBUTE.t || v.number === ATTRIBUTE.tensors) checkTensor(r, v, findings, member)
          if (v.number === ATTRIBUTE.sparseTensor || v.number === ATTRIBUTE.sparseTensors)
            checkSparse(r, v, findings, member)
          if (v.number === ATTRIBUTE.g || v.number === ATTRIBUTE.graphs)
            walkGraph(r, v.start, v.end, depth + 1, findings, member)
        }
      }
    }
  }
}

/** Walks an ONNX ModelProto and reports external-data locations that escape the model directory. Skips raw tensor bytes. */
export function checkOnnx(source: ByteSource, member: string | null, _directory: string | null = null): Finding[] {
  const r = new Reader(source)
  const findings: Finding[] = []
  try {
    for (const f of r.fieldsOf(0, source.size)) {
      if (f.number === MODEL_GRAPH && f.wire === 2) walkGraph(r, f.start, f.end, 0, findings, member)
    }
  } catch (error) {
    findings.push(makeFinding('ONNX_MALFORMED', `ONNX protobuf is malformed: ${(error as Error).message}`, member))
  }
  return findings
}
