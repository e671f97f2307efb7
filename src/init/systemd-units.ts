import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {coreError, usageError} from '../core/errors.js'
import {refuseExisting, writeFileAtomic} from '../core/fs.js'

/** The scheduled-audit units shipped in contrib/systemd (docs/monitoring.md). */
export const UNIT_NAMES = ['llmsec-audit.service', 'llmsec-audit.timer'] as const
/** The command the shipped units name (where `npm install -g` puts it). */
const SHIPPED_BIN = '/usr/local/bin/llmsec'
/** The model directory the shipped service scans. */
const SHIPPED_MODELS = '/srv/models'
/** What systemd would read as a separator, a specifier or a variable in ExecStart (systemd.service(5)). */
const UNSAFE_IN_EXEC = /[\s"'\\%$;]/

function unitDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const units = join(dir, 'contrib', 'systemd')
    if (existsSync(join(dir, 'package.json')) && existsSync(units)) return units
  }
  throw coreError('UNEXPECTED', 'the contrib/systemd units are missing from this installation.')
}

function execPath(path: string, what: string): string {
  if (!path.startsWith('/') || UNSAFE_IN_EXEC.test(path))
    throw usageError(
      `${what} ${JSON.stringify(path)} cannot go on an ExecStart= line: use an absolute path without spaces, quotes, %, $ or ;.`,
    )
  return path
}

/**
 * The shipped units with ExecStart naming `bin` (the llmsec being run) and the scan line naming
 * `modelPaths` (the configuration's model directories; the shipped /srv/models when none).
 */
export async function renderUnits(bin: string, modelPaths: string[]): Promise<{name: string; text: string}[]> {
  const command = execPath(bin, 'the llmsec command')
  const models = (modelPaths.length ? modelPaths : [SHIPPED_MODELS]).map((p) => execPath(p, 'the model path'))
  const dir = unitDir()
  return Promise.all(
    UNIT_NAMES.map(async (name) => {
      const text = (await readFile(join(dir, name), 'utf8'))
        .replaceAll(SHIPPED_BIN, command)
        .replace(` scan ${SHIPPED_MODELS} `, ` scan ${models.join(' ')} `)
      return {name, text}
    }),
  )
}

/** Writes the units into `dir`, each atomically; refuses before writing any if one exists, unless `force`. */
export async function installUnits(dir: string, units: {name: string; text: string}[], force: boolean) {
  const paths = units.map((u) => join(dir, u.name))
  await refuseExisting(paths, force)
  for (const [i, unit] of units.entries()) await writeFileAtomic(paths[i], unit.text, {mode: 0o644})
  return paths
}
