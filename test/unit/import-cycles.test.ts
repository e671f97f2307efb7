import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import ts from 'typescript'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

/** Relative imports (type-only ones too) of every TypeScript file under src/ and commands/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const tree of ['src', 'commands'])
    for (const entry of readdirSync(join(repoRoot, tree), {withFileTypes: true, recursive: true})) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
      const file = join(entry.parentPath, entry.name)
      const {importedFiles} = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      const targets = importedFiles
        .map((i) => i.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
        .filter((target) => existsSync(target))
      graph.set(relative(repoRoot, file), [...new Set(targets.map((t) => relative(repoRoot, t)))])
    }
  return graph
}

/** The cycles a depth-first walk meets, each as the files around it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file)
  return cycles
}

describe('import cycles', () => {
  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  })

  it('no module of src/ or commands/ imports itself through others, not even for types', () => {
    expect(findCycles(importGraph()).map((cycle) => cycle.join(' > '))).toEqual([])
  })
})
