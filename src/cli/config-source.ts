import {stringify} from 'yaml'

import {
  configFileExists,
  configSearchPaths,
  type ConfigLocation,
  type ConfigSearchOptions,
  type LoadedConfig,
} from '../core/config.js'

/** One place of the configuration search order and whether a file is there. */
export interface SearchedPlace {
  location: ConfigLocation
  file: string
  exists: boolean
}

/** Each place of the search order, in order, with whether it holds a file. */
export async function searchConfigPlaces(options: ConfigSearchOptions = {}): Promise<SearchedPlace[]> {
  const places = []
  for (const candidate of configSearchPaths(options))
    places.push({...candidate, exists: await configFileExists(candidate.file)})
  return places
}

/** Which configuration llmsec reads from the current directory, seen from a file `init` wrote. */
export interface ReadFrom {
  /** The file read without --config, or null when the search order finds none. */
  file: string | null
  /** True when that is the written file; false when another file wins or it is outside the order. */
  isWritten: boolean
  /** False when the written file is in no place of the search order (it needs --config). */
  searched: boolean
}

export async function readFromHere(written: string, options: ConfigSearchOptions = {}): Promise<ReadFrom> {
  const places = await searchConfigPlaces(options)
  const file = places.find((p) => p.exists)?.file ?? null
  return {file, isWritten: file === written, searched: places.some((p) => p.file === written)}
}

/** The one line `init` prints about which file will be read. */
export function describeReadFrom(readFrom: ReadFrom, written: string, cwd = process.cwd()): string {
  if (readFrom.isWritten) return `llmsec run from ${cwd} reads ${written}.`
  if (!readFrom.searched)
    return `${written} is not in the search order: pass --config ${written} to use it${readFrom.file ? ` (llmsec run from ${cwd} reads ${readFrom.file})` : ''}.`
  return `warning: ${readFrom.file} comes earlier in the search order, so llmsec run from ${cwd} reads it, not ${written}.`
}

/** The human text of `llmsec config`: where the configuration came from, then the YAML. */
export function renderConfigSource(loaded: LoadedConfig, places: SearchedPlace[]): string {
  const lines = [
    loaded.file
      ? `# ${loaded.file} (${loaded.source === 'flag' ? '--config' : loaded.source})`
      : '# no configuration file: built-in defaults',
    '# search order, first match wins:',
  ]
  for (const place of places) {
    const unused = loaded.source === 'flag' ? 'not read: --config' : 'shadowed'
    const state = !place.exists ? 'absent' : place.file === loaded.file ? 'read' : unused
    lines.push(`#   ${place.location.padEnd(7)} ${place.file} (${state})`)
  }
  const body = Object.keys(loaded.config).length ? stringify(loaded.config, {lineWidth: 0}) : '{}\n'
  return `${lines.join('\n')}\n${body}`
}
