import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import ts from 'typescript'
import {describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'

import {RUNTIME_IDS, RUNTIMES} from '../../../src/hardware/index.js'
import {BEGIN, END, renderRuntimeTable} from '../../../scripts/render-runtimes-doc.js'
import {repoRoot} from '../../helpers/cli.js'

const CATALOG = 'src/hardware/runtimes.catalog.ts'
const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

/** Normalised id or display name → the id it spells. */
const SPELLINGS = new Map<string, string>(
  RUNTIMES.flatMap((r) => [
    [normalise(r.name), r.id],
    [normalise(r.id), r.id],
  ]),
)

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(repoRoot, dir), {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
}

/** Every string literal and template text of a TypeScript source, with its line. */
function tsStrings(file: string, text: string): {value: string; line: number}[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: {value: string; line: number}[] = []
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node))
      out.push({value: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1})
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** Every string scalar of a YAML or JSON document (line numbers from YAML's ranges). */
function dataStrings(text: string): {value: string; line: number}[] {
  const out: {value: string; line: number}[] = []
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return
    const scalar = node as {value?: unknown; range?: [number]}
    if (typeof scalar.value === 'string' && scalar.range) out.push({value: scalar.value, line: lineOf(scalar.range[0])})
    for (const child of Object.values(node)) if (child && typeof child === 'object') visit(child)
  }
  for (const doc of parseAllDocuments(text)) visit((doc as {contents?: unknown}).contents)
  return out
}

/**
 * Places outside the catalog that spell a runtime. In code, any literal equal to an id or name
 * (near-misses such as 'lmstudio' or 'LlamaCpp' included) is one: code refers to the catalog's
 * constants. In data (rulesets, JSON), exact ids are references the loaders validate; only
 * near-misses are reported.
 */
export function misspelledRuntimeIds(file: string, text: string): string[] {
  const code = file.endsWith('.ts')
  const strings = code ? tsStrings(file, text) : dataStrings(text)
  return strings
    .filter(({value}) => {
      const id = SPELLINGS.get(normalise(value))
      return id !== undefined && (code || value !== id)
    })
    .map(({value, line}) => `${file}:${line}: '${value}' spells runtime ${SPELLINGS.get(normalise(value))}`)
}

describe('runtime ids', () => {
  it('are spelled only in the catalog: no literal id or near-miss in src/, commands/ or rulesets/', () => {
    const files = [
      ...filesUnder('src', /\.(ts|json)$/).filter((f) => f !== CATALOG),
      ...filesUnder('commands', /\.ts$/),
      ...filesUnder('rulesets', /\.ya?ml$/),
    ]
    expect(files.length).toBeGreaterThan(100)
    const found = files.flatMap((file) => misspelledRuntimeIds(file, readFileSync(join(repoRoot, file), 'utf8')))
    expect(found).toEqual([])
  })

  it('catches a literal id, a near-miss and a display name in code, and a near-miss in data', () => {
    const code = "const a = 'lmstudio'\nconst b = `LM Studio`\nif (kind === 'ollama') x()\nconst c = 'ollama serve'\n"
    expect(misspelledRuntimeIds('x.ts', code)).toEqual([
      "x.ts:1: 'lmstudio' spells runtime lm-studio",
      "x.ts:2: 'LM Studio' spells runtime lm-studio",
      "x.ts:3: 'ollama' spells runtime ollama",
    ])
    const yaml = 'rules:\n  - check: {params: {runtimes: [ollama, llama_cpp, Open-WebUI]}}\n'
    expect(misspelledRuntimeIds('r.yaml', yaml)).toEqual([
      "r.yaml:2: 'llama_cpp' spells runtime llama.cpp",
      "r.yaml:2: 'Open-WebUI' spells runtime open-webui",
    ])
  })

  it('are unique, and unique when normalised (no two ids a near-miss of each other)', () => {
    expect(new Set(RUNTIME_IDS).size).toBe(RUNTIME_IDS.length)
    expect(new Set(RUNTIME_IDS.map(normalise)).size).toBe(RUNTIME_IDS.length)
    for (const id of RUNTIME_IDS) expect(id).toMatch(/^[a-z0-9][a-z0-9.-]*$/)
  })

  it('are the enums of the documented JSON schemas', () => {
    const enums = (name: string): unknown[] => {
      const found: unknown[] = []
      const visit = (node: unknown) => {
        if (!node || typeof node !== 'object') return
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'kind' || key === 'runtime') && value && typeof value === 'object' && 'enum' in value)
            found.push(value.enum)
          visit(value)
        }
      }
      visit(JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', name), 'utf8')))
      return found
    }
    expect(enums('inventory.schema.json')).toContainEqual(RUNTIME_IDS)
    expect(enums('report.schema.json')).toContainEqual(RUNTIME_IDS)
    for (const name of ['smoke.schema.json', 'bench.schema.json'])
      expect(enums(name)).toContainEqual([...RUNTIME_IDS, 'unknown', 'node-llama-cpp'])
  })

  it('are listed in docs/runtimes.md exactly as the catalog has them', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'runtimes.md'), 'utf8')
    const table = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END) + END.length)
    expect(table, 'run: npx tsx scripts/render-runtimes-doc.ts').toBe(renderRuntimeTable())
  })
})
