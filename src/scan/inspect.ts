import {scanArchive} from './archive.js'
import {makeFinding, type FindingCode} from './codes.js'
import {decompressBounded, type StreamKind} from './compressed.js'
import {DecodeMemory} from './decoded.js'
import {DETECT_HEAD_BYTES, detectModelFormat, type ModelFormat} from './detect.js'
import {checkGguf} from './gguf.js'
import {checkKerasH5} from './keras.js'
import {inspectNumpy} from './numpy.js'
import {checkOnnx} from './onnx.js'
import {looksLikePickle, scanPickleStream} from './pickle-stream.js'
import {checkSafetensors} from './safetensors.js'
import {scanSevenZip} from './sevenzip.js'
import {describeOther, hasModelExtension, sniffContainer, type Container} from './sniff.js'
import type {ByteSource} from './source.js'
import {scanTorchTar} from './torch-tar.js'
import {hasEndRecord, listZip} from './zip.js'
import type {InspectOptions, Inspection} from './scan.types.js'

/** Extensions that name a header format when the content matches none, so a broken header is still judged. */
const BY_EXTENSION: [RegExp, ModelFormat][] = [
  [/\.safetensors$/i, 'safetensors'],
  [/\.gguf$/i, 'gguf'],
  [/\.onnx$/i, 'onnx'],
  [/\.npy$/i, 'numpy'],
]

const MAX_CONTAINER_DEPTH = 4

function inspectFormat(
  source: ByteSource,
  format: ModelFormat,
  member: string | null,
  options: InspectOptions,
): Inspection | null {
  switch (format) {
    case 'gguf':
      return {format, findings: checkGguf(source, member)}
    case 'safetensors':
      return {format, findings: checkSafetensors(source, member)}
    case 'onnx':
      return {format, findings: checkOnnx(source, member, options.directory ?? null)}
    case 'hdf5':
      return {format, findings: checkKerasH5(source, member, options.policy, options.allowed)}
    case 'numpy':
      return {format, findings: inspectNumpy(source, member, options, inspectSource)}
    case 'pickle':
      return scanPickleStream(source, member, options, inspectSource)
    case 'pytorch-zip':
    case 'keras':
    case 'npz':
    case 'zip':
      return scanArchive(source, member, options, inspectSource)
    default:
      return null
  }
}

/** Why a compressed stream was not analysed, by the decoder's answer. */
const UNREAD: Record<'too-large' | 'corrupt' | 'failed', [FindingCode, string]> = {
  'too-large': ['COMPRESSION_TOO_LARGE', 'data inflates past the scan limit; not analysed'],
  corrupt: ['COMPRESSION_CORRUPT', 'data is damaged and does not decompress'],
  failed: ['COMPRESSION_NOT_READ', 'data could not be decompressed by this scanner; decompress it and scan the result'],
}

/** A compressed stream (joblib compress=, .pkl.gz/.bz2/.xz, joblib's old ZF format), inflated within the limit. */
function inspectStream(
  source: ByteSource,
  kind: StreamKind,
  member: string | null,
  options: InspectOptions,
): Inspection | null {
  const depth = options.depth ?? 0
  if (depth >= MAX_CONTAINER_DEPTH)
    return {
      format: 'compressed',
      findings: [makeFinding('ARCHIVE_TOO_DEEP', 'compressed data nested too deeply; not opened', member)],
    }
  const memory = options.memory ?? new DecodeMemory()
  const inner = decompressBounded(source, kind, memory)
  if ('problem' in inner) {
    // A two-byte zlib header can occur by chance: a stream that does not inflate is judged as what it is.
    if (inner.problem === 'corrupt' && kind === 'zlib') return null
    const [code, message] = UNREAD[inner.problem]
    return {format: 'compressed', findings: [makeFinding(code, `${kind} ${message} (${inner.detail})`, member)]}
  }
  const weak = kind === 'zlib' && inner.corrupt !== undefined
  let result: Inspection
  try {
    result = inspectSource(inner.source, member, {
      ...options,
      memory,
      depth: depth + 1,
      name: undefined,
      explicit: !weak,
    })
  } finally {
    inner.release()
  }
  if (weak && result.findings.length === 0 && result.format === 'unknown') return null
  const damage = inner.corrupt
    ? [makeFinding('COMPRESSION_CORRUPT', `${kind} data is damaged after the part analysed (${inner.corrupt})`, member)]
    : []
  return {format: result.format === 'pickle' ? 'compressed' : result.format, findings: [...result.findings, ...damage]}
}

/** Containers: an LFS pointer, compressed streams, 7z archives, the pre-1.0 torch tar format. */
function inspectContainer(
  source: ByteSource,
  container: Container,
  member: string | null,
  options: InspectOptions,
): Inspection | null {
  if (container === 'lfs-pointer')
    return {
      format: 'lfs-pointer',
      findings: [
        makeFinding('LFS_POINTER', 'this is a Git LFS pointer, not the model: fetch it first (git lfs pull)', member),
      ],
    }
  if (container === 'tar') return scanTorchTar(source, member, options, inspectSource)
  if (container === '7z') return scanSevenZip(source, member, options, inspectSource)
  return inspectStream(source, container, member, options)
}

/** Content no format claims: a pickle if it walks like one, else unknown when it should have been a model. */
function inspectUnrecognised(
  source: ByteSource,
  head: Buffer,
  member: string | null,
  options: InspectOptions,
): Inspection {
  const name = options.name ?? ''
  const byName = BY_EXTENSION.find(([pattern]) => pattern.test(name))?.[1]
  if (byName) return inspectFormat(source, byName, member, options)!
  if (source.size > 0 && looksLikePickle(source)) return scanPickleStream(source, member, options, inspectSource)
  if (options.lenient) return {format: 'unknown', findings: []}
  const other = describeOther(head)
  if (hasModelExtension(name) || options.explicit) {
    const what = other ?? (source.size === 0 ? 'an empty file' : 'not a model format this scanner reads')
    return {
      format: 'unknown',
      findings: [makeFinding('FORMAT_UNKNOWN', `content is ${what}; it was not analysed`, member)],
    }
  }
  return {
    format: 'unknown',
    findings: [makeFinding('FORMAT_NOT_MODEL', `not a model file${other ? ` (${other})` : ''}`, member)],
  }
}

/**
 * Detects a source's format by content and runs the matching static checks; a file that is also a
 * zip by its end record is judged as that zip too. Pure over the source:
 * it never loads, imports or executes anything, and reads only headers, pickles and archive directories.
 */
export function inspectSource(source: ByteSource, member: string | null, options: InspectOptions = {}): Inspection {
  const result = inspectByContent(source, member, options)
  if (ZIP_FORMATS.has(result.format) || !hasEndRecord(source) || !listZip(source).ok) return result
  // A pickle (or any format) that is also a zip: torch.load reads the pickle (no PK at byte 0),
  // Python's zipfile finds the zip by its end record. Both readings are judged.
  const archive = scanArchive(source, member, options, inspectSource)
  const note = makeFinding(
    'POLYGLOT_ZIP',
    `the file is also a zip (${archive.format}) that zipfile-based readers load; its members were scanned too`,
    member,
  )
  return {format: result.format, findings: [...result.findings, note, ...archive.findings]}
}

const ZIP_FORMATS: ReadonlySet<string> = new Set(['pytorch-zip', 'keras', 'npz', 'zip'])

function inspectByContent(source: ByteSource, member: string | null, options: InspectOptions): Inspection {
  const head = source.read(0, DETECT_HEAD_BYTES)
  const format = detectModelFormat(head, source.size)
  const known = inspectFormat(source, format, member, options)
  if (known) return known
  const container = sniffContainer(head)
  const contained = container ? inspectContainer(source, container, member, options) : null
  if (contained) return contained
  // Python's zipfile (Keras, numpy.load of an npz) finds a zip by its end record: data may precede it.
  if (hasEndRecord(source)) return scanArchive(source, member, options, inspectSource)
  return inspectUnrecognised(source, head, member, options)
}
