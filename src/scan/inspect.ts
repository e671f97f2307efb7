import {scanArchive} from './archive.js'
import {makeFinding} from './codes.js'
import {decompressBounded, isCompressedStream} from './compressed.js'
import {DETECT_HEAD_BYTES, detectModelFormat, type ModelFormat} from './detect.js'
import {checkGguf} from './gguf.js'
import {checkKerasH5} from './keras.js'
import {checkNpy, parseNpyHeader} from './numpy.js'
import {checkOnnx} from './onnx.js'
import {scanPickleStream} from './pickle-stream.js'
import {checkSafetensors} from './safetensors.js'
import {sliceSource, type ByteSource} from './source.js'
import type {Finding, InspectOptions, Inspection} from './scan.types.js'

/** Extensions that name a format when the content matches none (so a broken header is still judged). */
const BY_EXTENSION: [RegExp, ModelFormat][] = [
  [/\.safetensors$/i, 'safetensors'],
  [/\.gguf$/i, 'gguf'],
  [/\.onnx$/i, 'onnx'],
  [/\.npy$/i, 'numpy'],
  [/\.(pkl|pickle|pt|pth|ckpt|joblib)$/i, 'pickle'],
]

function detect(source: ByteSource, name: string | undefined): ModelFormat | 'compressed' {
  const head = source.read(0, DETECT_HEAD_BYTES)
  const format = detectModelFormat(head, source.size)
  if (format !== 'unknown') return format
  if (isCompressedStream(head)) return 'compressed'
  if (!name) return format
  return BY_EXTENSION.find(([pattern]) => pattern.test(name))?.[1] ?? 'unknown'
}

function inspectNumpy(source: ByteSource, member: string | null): Finding[] {
  const header = parseNpyHeader(source)
  if (typeof header === 'string') return [makeFinding('NUMPY_BAD_HEADER', `.npy header: ${header}`, member)]
  if (!header.hasObjects) return checkNpy(source, header, member)
  const payload = sliceSource(source, header.dataStart, source.size - header.dataStart)
  return [
    makeFinding('NUMPY_OBJECT_ARRAY', 'object array: its data is a pickle, loaded only with allow_pickle=True', member),
    ...scanPickleStream(payload, member, false).findings,
  ]
}

/** A zlib/gzip file (joblib's `compress=`, .pkl.gz) whose content is a pickle is scanned as that pickle. */
function inspectCompressed(source: ByteSource, member: string | null, options: InspectOptions): Inspection {
  const inner = options.depth ? null : decompressBounded(source)
  if (!inner || detect(inner, undefined) !== 'pickle') return {format: 'unknown', findings: []}
  return scanPickleStream(inner, member, false)
}

/**
 * Detects a source's format by content and runs the matching static checks. Pure over the source:
 * it never loads, imports or executes anything, and reads only headers, pickles and archive directories.
 */
export function inspectSource(source: ByteSource, member: string | null, options: InspectOptions = {}): Inspection {
  const format = detect(source, options.name)
  const depth = options.depth ?? 0
  switch (format) {
    case 'gguf':
      return {format, findings: checkGguf(source, member)}
    case 'safetensors':
      return {format, findings: checkSafetensors(source, member)}
    case 'onnx':
      return {format, findings: checkOnnx(source, member)}
    case 'hdf5':
      return {format, findings: checkKerasH5(source, member)}
    case 'numpy':
      return {format, findings: inspectNumpy(source, member)}
    case 'pickle':
      return scanPickleStream(source, member, options.lenient ?? false)
    case 'pytorch-zip':
    case 'keras':
    case 'npz':
    case 'zip':
      return scanArchive(source, member, depth, inspectSource, options.budget)
    case 'compressed':
      return inspectCompressed(source, member, options)
    default:
      return {format, findings: []}
  }
}
