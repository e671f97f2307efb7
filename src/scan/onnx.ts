import {makeFinding} from './codes.js'
import {judgeExternalData, MAX_LOCATION_BYTES, type ExternalRef} from './onnx-external.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

const MAX_DEPTH = 32
const MAX_FIELDS = 10_000_000

/** Protobuf field numbers (onnx.proto3) that lead to TensorProtos. */
const MODEL = {graph: 7, trainingInfo: 20, functions: 25}
/** TrainingInfoProto.initialization and .algorithm: GraphProtos. */
const TRAINING_GRAPHS = new Set([1, 2])
/** FunctionProto.node */
const FUNCTION_NODE = 7
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

  text(field: Field, cap = 4096): string {
    return this.source.read(field.start, Math.min(field.end - field.start, cap)).toString('utf8')
  }
}

/** Reads a TensorProto's `external_data` entries (StringStringEntryProto: key 1, value 2). */
function readTensor(r: Reader, field: Field, refs: ExternalRef[]): void {
  let name = '?'
  let ref: ExternalRef | null = null
  for (const f of r.fieldsOf(field.start, field.end)) {
    if (f.number === TENSOR.name && f.wire === 2) name = r.text(f)
    if (f.number !== TENSOR.externalData || f.wire !== 2) continue
    let key = ''
    let value = ''
    for (const kv of r.fieldsOf(f.start, f.end)) {
      if (kv.number === 1 && kv.wire === 2) key = r.text(kv)
      if (kv.number === 2 && kv.wire === 2) value = r.text(kv, MAX_LOCATION_BYTES + 1)
    }
    ref ??= {tensor: name, locations: [], offsets: [], lengths: []}
    if (key === 'location') ref.locations.push(value)
    else if (key === 'offset') ref.offsets.push(value)
    else if (key === 'length') ref.lengths.push(value)
  }
  if (ref) refs.push({...ref, tensor: name})
}

function readSparse(r: Reader, field: Field, refs: ExternalRef[]): void {
  for (const part of r.fieldsOf(field.start, field.end))
    if (SPARSE_PARTS.has(part.number) && part.wire === 2) readTensor(r, part, refs)
}

/** An AttributeProto: a tensor, tensors, sparse tensors, or graphs whose own tensors may be external. */
function readAttribute(r: Reader, a: Field, depth: number, refs: ExternalRef[]): void {
  for (const v of r.fieldsOf(a.start, a.end)) {
    if (v.wire !== 2) continue
    if (v.number === ATTRIBUTE.t || v.number === ATTRIBUTE.tensors) readTensor(r, v, refs)
    if (v.number === ATTRIBUTE.sparseTensor || v.number === ATTRIBUTE.sparseTensors) readSparse(r, v, refs)
    if (v.number === ATTRIBUTE.g || v.number === ATTRIBUTE.graphs) readGraph(r, v, depth + 1, refs)
  }
}

/** A NodeProto (of a graph or a function): its attributes, If/Loop/Scan bodies included. */
function readNode(r: Reader, node: Field, depth: number, refs: ExternalRef[]): void {
  for (const a of r.fieldsOf(node.start, node.end))
    if (a.number === NODE_ATTRIBUTE && a.wire === 2) readAttribute(r, a, depth, refs)
}

/**
 * onnx/external_data_helper.py (_get_all_tensors): every initializer of the graph and of its nodes'
 * subgraphs, and every tensor attribute; onnxruntime also loads sparse initializers and sparse
 * attributes from external data, so those are read too.
 */
function readGraph(r: Reader, graph: Field, depth: number, refs: ExternalRef[]): void {
  if (depth > MAX_DEPTH) throw new Error('graphs nest too deeply')
  for (const f of r.fieldsOf(graph.start, graph.end)) {
    if (f.wire !== 2) continue
    if (f.number === GRAPH.initializer) readTensor(r, f, refs)
    else if (f.number === GRAPH.sparseInitializer) readSparse(r, f, refs)
    else if (f.number === GRAPH.node) readNode(r, f, depth, refs)
  }
}

/** ModelProto: the main graph, training graphs (TrainingInfoProto) and local functions' nodes. */
function readModel(r: Reader, size: number, refs: ExternalRef[]): void {
  for (const f of r.fieldsOf(0, size)) {
    if (f.wire !== 2) continue
    if (f.number === MODEL.graph) readGraph(r, f, 0, refs)
    else if (f.number === MODEL.trainingInfo)
      for (const t of r.fieldsOf(f.start, f.end)) {
        if (t.wire === 2 && TRAINING_GRAPHS.has(t.number)) readGraph(r, t, 1, refs)
      }
    else if (f.number === MODEL.functions)
      for (const n of r.fieldsOf(f.start, f.end)) {
        if (n.wire === 2 && n.number === FUNCTION_NODE) readNode(r, n, 1, refs)
      }
  }
}

/**
 * Walks an ONNX ModelProto (raw tensor bytes skipped) and judges every external-data reference
 * against the model's directory on disk (null inside archives: the spelling alone is judged).
 */
export function checkOnnx(source: ByteSource, member: string | null, directory: string | null = null): Finding[] {
  const r = new Reader(source)
  const refs: ExternalRef[] = []
  try {
    readModel(r, source.size, refs)
  } catch (error) {
    return [makeFinding('ONNX_MALFORMED', `ONNX protobuf is malformed: ${(error as Error).message}`, member)]
  }
  return judgeExternalData(refs, directory, member)
}
