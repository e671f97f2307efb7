import {readFile} from 'node:fs/promises'

import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import {isMap, isSeq, LineCounter, parseDocument, type Document, type Node} from 'yaml'
import {coreError, fsError} from './errors.js'

/** Largest YAML document llmsec reads (config, rulesets, waivers are small). */
const MAX_YAML_BYTES = 4 * 1024 * 1024

export interface YamlLocation {
  file: string
  line: number
  column: number
}

export interface LoadedYaml<T> {
  data: T
  doc: Document
  lineCounter: LineCounter
  file: string
}

const ajv = new Ajv({allErrors: false, strict: false, useDefaults: false})
const compiled = new WeakMap<object, ValidateFunction>()

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

/** Turns a JSON pointer like /rules/3/check into the YAML node at that path. */
function nodeAt(doc: Document, pointer: string, atKey = false): Node | undefined {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  let node: unknown = doc.contents
  let last: Node | undefined = doc.contents ?? undefined
  for (const [index, part] of parts.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as {value?: unknown})?.value ?? item.key) === part)
      if (!pair) break
      last = (pair.key as Node) ?? last
      if (atKey && index === parts.length - 1) break
      node = pair.value
      if (node && typeof node === 'object' && 'range' in node) last = node as Node
    } else if (isSeq(node)) {
      node = node.items[Number(part)]
      if (node && typeof node === 'object' && 'range' in node) last = node as Node
    } else break
  }
  return last
}

/** The file:line:column of a JSON pointer inside a loaded YAML document. */
export function locate(
  loaded: Pick<LoadedYaml<unknown>, 'doc' | 'lineCounter' | 'file'>,
  pointer: string,
  atKey = false,
): YamlLocation {
  const node = nodeAt(loaded.doc, pointer, atKey)
  const offset = node?.range?.[0] ?? 0
  const {line, col} = loaded.lineCounter.linePos(offset)
  return {file: loaded.file, line, column: col}
}

export function formatLocation(at: YamlLocation): string {
  return `${at.file}:${at.line}:${at.column}`
}

function keyName(pointer: string, error: ErrorObject): string {
  const extra = error.params as {additionalProperty?: string; missingProperty?: string}
  const key = extra.additionalProperty ?? extra.missingProperty
  const path = pointer.split('/').slice(1).join('.')
  if (key) return path ? `${path}.${key}` : key
  return path || '(document)'
}

function describeSchemaError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key`
    case 'required':
      return `missing required key`
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`
    case 'type':
      return `must be ${String(p.type)}`
    default:
      return error.message ?? 'is invalid'
  }
}

/**
 * Parses YAML text and validates it against a JSON Schema. Errors throw an LlmsecError
 * (exit 2) whose message names file:line:column and the offending key.
 */
export function parseYaml<T>(text: string, file: string, schema?: object): LoadedYaml<T> {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const loaded = {doc, lineCounter, file}
  const syntax = doc.errors[0]
  if (syntax) {
    const {line, col} = lineCounter.linePos(syntax.pos[0])
    const what = syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    throw coreError('INPUT_MALFORMED', `${file}:${line}:${col}: YAML syntax error: ${what}`)
  }
  let data: T
  try {
    data = doc.toJS({maxAliasCount: 100}) as T
  } catch (error) {
    // Unresolved aliases and alias bombs surface here rather than in doc.errors.
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw coreError('INPUT_MALFORMED', `${file}: YAML error: ${why}`)
  }
  if (schema) {
    const validate = validatorFor(schema)
    if (!validate(data)) {
      const error = (validate.errors ?? [])[0]
      if (error) {
        const extra = (error.params as {additionalProperty?: string}).additionalProperty
        const pointer = extra ? `${error.instancePath}/${extra}` : error.instancePath
        const where = formatLocation(locate(loaded, pointer, Boolean(extra)))
        throw coreError(
          'INPUT_MALFORMED',
          `${where}: ${keyName(error.instancePath, error)}: ${describeSchemaError(error)}`,
        )
      }
    }
  }
  return {data, ...loaded}
}

/** Reads and validates a YAML file (bounded size). */
export async function loadYamlFile<T>(file: string, schema?: object): Promise<LoadedYaml<T>> {
  let text: string
  try {
    const buffer = await readFile(file)
    if (buffer.length > MAX_YAML_BYTES) {
      throw coreError('INPUT_MALFORMED', `${file} is larger than ${MAX_YAML_BYTES} bytes; refusing to parse it.`)
    }
    text = buffer.toString('utf8')
  } catch (error) {
    throw fsError(error, file)
  }
  return parseYaml<T>(text, file, schema)
}
