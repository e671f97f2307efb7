import {makeFinding} from './codes.js'
import {classifyGlobal} from './dangerous.js'
import type {ByteSource} from './source.js'
import type {Finding, GlobalPolicy, InspectOptions} from './scan.types.js'

/** Layers whose config carries Python code (marshalled bytecode or source) that runs when loaded. */
const CODE_LAYERS = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda'])
/** Modules whose classes Keras ships; anything else is a custom object that needs user code. */
const KERAS_MODULES = /^(keras|tf_keras|tensorflow\.keras|tensorflow\.python\.keras)(\.|$)/

interface Visit {
  value: unknown
  path: string
}

const own = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined)
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

interface KerasWalk {
  findings: Finding[]
  custom: Set<string>
  member: string | null
  policy?: GlobalPolicy
  allowed?: Set<string>
}

/**
 * keras/src/saving/serialization_lib.py deserialize_keras_object imports `module` and looks up
 * `class_name` there (a 'function' looks up its config string): a module outside Keras runs that
 * module's code, so it is judged like a pickle global.
 */
function judgeReference(walk: KerasWalk, node: Record<string, unknown>, className: string, path: string): void {
  const module = text(own(node, 'module'))
  if (module === null) return
  const name = className === 'function' ? text(own(node, 'config')) : className
  const ref = `${module}.${name ?? className}`
  const verdict =
    KERAS_MODULES.test(module) && !/^builtins(\.|$)/.test(module) ? 'allowed' : classifyGlobal(ref, walk.policy)
  if (verdict === 'dangerous')
    walk.findings.push(
      makeFinding('KERAS_CODE_LAYER', `object at ${path} loads ${ref}, which can run code`, walk.member, [ref]),
    )
  else if (verdict === 'not-allowed') walk.custom.add(ref)
  else if (verdict === 'allowed-by-policy') walk.allowed?.add(ref)
}

function visitNode(walk: KerasWalk, node: Record<string, unknown>, path: string): boolean {
  const className = text(own(node, 'class_name'))
  const config = own(node, 'config')
  const name =
    typeof config === 'object' && config !== null ? text(own(config as Record<string, unknown>, 'name')) : null
  const label = `${className}${name ? ` "${name.slice(0, 80)}"` : ''}`
  if (className && CODE_LAYERS.has(className)) {
    walk.findings.push(
      makeFinding(
        'KERAS_LAMBDA_LAYER',
        `${label} layer at ${path} carries Python code that runs when the model is loaded`,
        walk.member,
        [className],
      ),
    )
    return false
  }
  if (className === '__lambda__' || own(node, 'function_type') === 'lambda') {
    walk.findings.push(
      makeFinding('KERAS_CODE_LAYER', `object at ${path} serialises a Python lambda`, walk.member, [
        className ?? 'lambda',
      ]),
    )
    return true
  }
  if (className) judgeReference(walk, node, className, path)
  return true
}

/**
 * Walks a Keras model config (config.json of a .keras archive, or the model_config attribute of a
 * legacy .h5) and reports Lambda layers, serialised code and objects from modules outside Keras.
 * Iterative and bounded; only own properties are read (a key named "constructor" is just a key).
 */
function checkKerasConfig(
  config: unknown,
  member: string | null,
  policy?: GlobalPolicy,
  allowed?: Set<string>,
): Finding[] {
  const walk: KerasWalk = {findings: [], custom: new Set(), member, policy, allowed}
  const stack: Visit[] = [{value: config, path: '$'}]
  for (let visited = 0; stack.length > 0 && visited < 1_000_000; visited++) {
    const {value, path} = stack.pop()!
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({value: item, path: `${path}[${i}]`}))
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const node = value as Record<string, unknown>
    if (!visitNode(walk, node, path)) continue
    for (const key of Object.keys(node)) {
      const child = node[key]
      if (typeof child === 'object' && child !== null) stack.push({value: child, path: `${path}.${key.slice(0, 40)}`})
    }
  }
  if (walk.custom.size > 0)
    walk.findings.push(
      makeFinding(
        'KERAS_CUSTOM_OBJECT',
        `config loads objects from outside Keras (their module's code runs): ${[...walk.custom].slice(0, 20).join(', ')}`,
        member,
        [...walk.custom],
      ),
    )
  return walk.findings
}

/** Parses a Keras config.json and checks it. */
export function checkKerasJson(json: string, member: string | null, options: InspectOptions = {}): Finding[] {
  let config: unknown
  try {
    config = JSON.parse(json)
  } catch (error) {
    return [makeFinding('KERAS_BAD_CONFIG', `config is not JSON: ${(error as Error).message}`, member)]
  }
  return checkKerasConfig(config, member, options.policy, options.allowed)
}

const ATTRIBUTE_NAME = Buffer.from('model_config', 'latin1')
const CONFIG_STARTS = ['{"class_name"', '{"module"'].map((t) => Buffer.from(t, 'latin1'))
const SEARCH_LIMIT = 16 * 1024 * 1024
const MAX_ATTEMPTS = 64
/** A model config longer than this is not looked for (the file is then `unknown`). */
const MAX_CONFIG = 4 * 1024 * 1024

/** The end of the JSON object starting at `start` (brace matching outside strings), or -1. */
function matchObject(bytes: Buffer, start: number): number {
  let depth = 0
  const end = Math.min(bytes.length, start + MAX_CONFIG)
  for (let i = start; i < end; i++) {
    const b = bytes[i]
    if (b === 0x22) {
      for (i++; i < end && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++
    } else if (b === 0x7b) depth++
    else if (b === 0x7d && --depth === 0) return i + 1
  }
  return -1
}

function parseObjectAt(bytes: Buffer, start: number): {config: unknown; end: number} | null {
  const end = matchObject(bytes, start)
  if (end < 0) return null
  try {
    return {config: JSON.parse(bytes.toString('utf8', start, end)), end}
  } catch {
    return null
  }
}

const isModelConfig = (v: unknown) =>
  typeof v === 'object' && v !== null && Object.hasOwn(v, 'class_name') && Object.hasOwn(v, 'config')

/**
 * Candidate model configs: the first '{' after each "model_config" attribute name, else any Keras-looking
 * object. Objects inside an already found config are skipped so each layer is reported once.
 */
function findConfigs(bytes: Buffer): unknown[] {
  const found: {config: unknown; start: number; end: number}[] = []
  // Each attempt may scan to the end of the search window: a fixed number of attempts keeps this linear.
  let attempts = 0
  const add = (start: number) => {
    if (++attempts > MAX_ATTEMPTS || found.some((f) => start >= f.start && start < f.end)) return
    const parsed = parseObjectAt(bytes, start)
    if (parsed && isModelConfig(parsed.config)) found.push({config: parsed.config, start, end: parsed.end})
  }
  for (
    let at = bytes.indexOf(ATTRIBUTE_NAME);
    at >= 0 && attempts < MAX_ATTEMPTS;
    at = bytes.indexOf(ATTRIBUTE_NAME, at + 1)
  ) {
    const brace = bytes.subarray(at, at + 1024).indexOf(0x7b)
    if (brace >= 0) add(at + brace)
  }
  for (const start of CONFIG_STARTS) {
    for (let at = bytes.indexOf(start); at >= 0 && attempts < MAX_ATTEMPTS; at = bytes.indexOf(start, at + 1)) add(at)
  }
  const outermost = found.filter((f) => !found.some((g) => g !== f && g.start <= f.start && f.end <= g.end))
  return outermost.map((f) => f.config)
}

/**
 * Legacy Keras .h5: finds the model_config attribute's JSON by searching the first 16 MiB (h5py writes
 * root attributes into the root object header near the start of the file). A heuristic, not an HDF5
 * parser: a config stored in dense attribute storage beyond 16 MiB is reported as not found.
 */
export function checkKerasH5(
  source: ByteSource,
  member: string | null,
  policy?: GlobalPolicy,
  allowed?: Set<string>,
): Finding[] {
  const bytes = source.read(0, Math.min(source.size, SEARCH_LIMIT))
  const configs = findConfigs(bytes)
  const findings = configs.flatMap((config) => checkKerasConfig(config, member, policy, allowed))
  const candidates = bytes.includes(ATTRIBUTE_NAME) || CONFIG_STARTS.some((start) => bytes.includes(start))
  if (configs.length === 0 && candidates)
    findings.push(
      makeFinding(
        'HDF5_CONFIG_NOT_FOUND',
        'model_config attribute present but its JSON was not found in the first 16 MiB',
        member,
      ),
    )
  return findings
}
