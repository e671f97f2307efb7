import {posix} from 'node:path'

import {readRootFile} from './root-files.js'
import type {ServiceStart, ServiceUse} from './vulns.types.js'

const PYTHON = /^python(\d+(\.\d+)?)?$/
const SYSTEM_PREFIXES: Record<string, string[]> = {'/usr': ['/usr', '/usr/local'], '/usr/local': ['/usr/local', '/usr']}

/** The use record of a start, as reports show it. */
export function serviceUse(start: ServiceStart): ServiceUse {
  return {name: start.name, source: start.source, listening: start.listening}
}

/** The environment prefixes an interpreter path reads (`/opt/v/bin/python` → `/opt/v`; system Python reads /usr and /usr/local). */
function prefixesOf(interpreter: string): string[] {
  const prefix = posix.dirname(posix.dirname(interpreter))
  return SYSTEM_PREFIXES[prefix] ?? [prefix]
}

/** The interpreter named by a script's `#!` line (`#!/usr/bin/env python3` → `/usr/bin/python3`). */
async function shebangInterpreter(root: string, path: string): Promise<string | null> {
  const read = await readRootFile(root, path, 256)
  if (read.state !== 'present') return null
  const line = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(read.data.toString('latin1'))
  if (!line) return null
  if (posix.basename(line[1]) === 'env' && line[2]) return PYTHON.test(line[2]) ? `/usr/bin/${line[2]}` : null
  return line[1]
}

/**
 * The environment prefixes a program start uses: the prefix of the Python interpreter it runs
 * (argv[0] itself, or the interpreter of argv[0]'s `#!` line — a venv's console script names its
 * venv's python), or the prefix whose bin/ holds argv[0].
 */
export async function environmentsUsedBy(root: string, start: ServiceStart, environments: string[]): Promise<string[]> {
  const program = start.argv[0]
  if (!program?.startsWith('/')) return []
  // Every program of /usr/bin is not a Python program: only venv-like prefixes own their bin/.
  const inBin = environments.filter((env) => !SYSTEM_PREFIXES[env] && posix.dirname(program) === posix.join(env, 'bin'))
  if (PYTHON.test(posix.basename(program))) return [...new Set([...inBin, ...prefixesOf(program)])]
  const interpreter = await shebangInterpreter(root, program)
  if (interpreter && PYTHON.test(posix.basename(interpreter)))
    return [...new Set([...inBin, ...prefixesOf(interpreter)])]
  return inBin
}
