import {makeFinding} from './codes.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

/** Layers whose config carries Python code (marshalled bytecode or source) that runs when loaded. */
const CODE_LAYERS = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda'])
/** Modules whose classes Keras ships; anything else is a custom object that needs user code. */
const KERAS_MODULES = /^(keras|tf_keras|tensorflow\.keras|tensorflow\.python\.keras|builtins)(\.|$)/

interface Visit {
  value: unknown
  path: string
}

/**
 * Walks a Keras model config (config.json of a .keras archive, or the model_config attribute of a
 * legacy .h5) and reports Lambda layers and other code-carrying or custom objects. Iterative and bounded.
 */
function checkKerasConfig(config: unknown, member: string | null): Finding[] {
  const findings: Finding[] = []
  const custom = new Set<string>()
  const stack: Visit[] = [{value: config, path: '$'}]
  for (let visited = 0; stack.length > 0 && visited < 1_000_000; visited++) {
    const {value, path} = stack.pop()!
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({value: item, path: `${path}[${i}]`}))
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const node = value as Record<string, unknown>
    const className = typeof node.class_name === 'string' ? node.class_name : null
    const name = (node.config as Record<string, unknown> | undefined)?.name
    const label = `${className}${typeof name === 'string' ? ` "${name}"` : ''}`
    if (className && CODE_LAYERS.has(className)) {
      findings.push(
        makeFinding(
          'KERAS_LAMBDA_LAYER',
          `${label} layer at ${path} carries Python code that runs when the model is loaded`,
          member,
          [className],
        ),
      )
      continue
    } else if (className === '__lambda__' || className === 'function' || node.function_type === 'lambda') {
      findings.push(
        makeFinding('KERAS_CODE_LAYER', `object at ${path} serialises a Python function`, member, [
          className ?? 'function',
        ]),
      )
    } else if (className && typeof node.module === 'string' && !KERAS_MODULES.test(node.module)) {
      custom.add(`${node.module}.${className}`)
    }
    for (const [key, child] of Object.entries(node))
      if (typeof child === 'object' && child !== null) stack.push({value: child, path: `${path}.${key}`})
  }
  if (custom.size > 0)
    findings.push(
      makeFinding(
        'KERAS_CUSTOM_OBJECT',
        `config uses custom objects that need user code: ${[...custom].join(', ')}`,
        member,
        [...custom],
      ),
    )
  return findings
}

/** Parses a Keras config.json and checks it. */
export function checkKerasJson(text: string, member: string | null): Finding[] {
  try {
    return checkKerasConfig(JSON.parse(text), member)
  } catch (error) {
    return [makeFinding('KERAS_BAD_CONFIG', `config is not JSON: ${(error as Error).message}`, member)]
  }
}

const ATTRIBUTE_NAME = Buffer.from('model_config', 'latin1')
const CONFIG_STARTS = ['{"class_name"', '{"module"'].map((t) => Buffer.from(t, 'latin1'))
const SEARCH_LIMIT = 16 * 1024 * 1024

/** The end of the JSON object starting at `start` (brace matching outside strings), or -1. */
function matchObject(bytes: Buffer, start: number): number {
  let depth = 0
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === 0x22) {
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++
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

const isModelConfig = (v: unknown) => typeof v === 'object' && v !== null && 'class_name' in v && 'config' in v

/**
 * Candidate model configs: the first '{' after each "model_config" attribute name, else any Keras-looking
 * object. Objects inside an already found config are skipped so each layer is reported once.
 */
function findConfigs(bytes: Buffer): unknown[] {
  const found: {config: unknown; start: number; end: number}[] = []
  const add = (start: number) => {
    if (found.some((f) => start >= f.start && start < f.end)) return
    const parsed = parseObjectAt(bytes, start)
    if (parsed && isModelConfig(parsed.config)) found.push({config: parsed.config, start, end: parsed.end})
  }
  for (
    let at = bytes.indexOf(ATTRIBUTE_NAME);
    at >= 0 && found.length < 16;
    at = bytes.indexOf(ATTRIBUTE_NAME, at + 1)
  ) {
    const brace = bytes.subarray(at, at + 1024).indexOf(0x7b)
    if (brace >= 0) add(at + brace)
  }
  for (const start of CONFIG_STARTS) {
    for (let at = bytes.indexOf(start); at >= 0 && found.length < 16; at = bytes.indexOf(start, at + 1)) add(at)
  }
  const outermost = found.filter((f) => !found.some((g) => g !== f && g.start <= f.start && f.end <= g.end))
  return outermost.map((f) => f.config)
}

/**
 * Legacy Keras .h5: finds the model_config attribute's JSON by searching the first 16 MiB (h5py writes
 * root attributes into the root object header near the start of the file). A heuristic, not an HDF5
 * parser: a config stored in dense attribute storage beyond 16 MiB is reported as not found.
 */
export function checkKerasH5(source: ByteSource, member: string | null): Finding[] {
  const bytes = source.read(0, Math.min(source.size, SEARCH_LIMIT))
  const configs = findConfigs(bytes)
  const findings = configs.flatMap((config) => checkKerasConfig(config, member))
  if (configs.length === 0 && bytes.includes(ATTRIBUTE_NAME))
    findings.push(
      makeFinding(
        'HDF5_CONFIG_NOT_FOUND',
        'model_config attribute present but its JSON was not found in the first 16 MiB',
        member,
      ),
    )
  return findings
}
