import {append} from '../core/arrays.js'
import {makeFinding} from './codes.js'
import {classifyGlobal} from './dangerous.js'
import {readRootAttributes} from './hdf5.js'
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

/** Root attributes a legacy Keras loader deserialises (legacy_h5_format.load_model_from_hdf5). */
const CONFIG_ATTRIBUTES = new Set(['model_config', 'training_config'])

/** An attribute value as Keras reads it: bytes are decoded as UTF-8, a str is used as is. */
function attributeText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  return null
}

/**
 * Legacy Keras .h5 (model.save("x.h5") in Keras 2): the root attributes `model_config` and
 * `training_config` hold JSON configs that are deserialised on load, read with a real HDF5 reader.
 * A file whose attributes cannot all be read, or that repeats one of them, is `unknown`.
 */
export function checkKerasH5(
  source: ByteSource,
  member: string | null,
  policy?: GlobalPolicy,
  allowed?: Set<string>,
): Finding[] {
  const root = readRootAttributes(source)
  if ('problem' in root)
    return [makeFinding('HDF5_CONFIG_NOT_FOUND', `HDF5 file not analysed: ${root.problem}`, member)]
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const [name, value] of root.attributes) {
    if (!CONFIG_ATTRIBUTES.has(name)) continue
    if (seen.has(name))
      return [makeFinding('HDF5_CONFIG_NOT_FOUND', `the attribute ${name} appears twice; not analysed`, member)]
    seen.add(name)
    const json = attributeText(value)
    if (json === null) {
      findings.push(makeFinding('KERAS_BAD_CONFIG', `the attribute ${name} is not a string`, member))
      continue
    }
    append(findings, checkKerasJson(json, member, {policy, allowed}))
  }
  return findings
}
