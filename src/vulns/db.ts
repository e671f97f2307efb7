import type {Dirent} from 'node:fs'
import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {coreError} from '../core/errors.js'
import bundled from './data/ai-stack.osv.json' with {type: 'json'}
import {affectedKey, type OsvAffected, type OsvRecord} from './osv.js'
import type {DbInfo, DbSource, VulnNote} from './vulns.types.js'
import {readZipJson} from './zip-records.js'
import {append} from '../core/arrays.js'

/** Data older than this many days is a warning (`db-stale`). */
const MAX_DB_AGE_DAYS = 30
/** Largest single OSV JSON file read from a --db directory. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024
const MAX_DIR_FILES = 500_000
const DAY_MS = 86_400_000
/** Notes of one kind kept per source; the rest are counted in one summary note. */
const MAX_NOTES_PER_SOURCE = 20

/** One affected entry of a record, indexed for matching. */
export interface DbEntry {
  record: OsvRecord
  affected: OsvAffected
}

/** The loaded advisories by package key (see affectedKey), and what was loaded. */
export interface AdvisoryDb {
  byKey: Map<string, DbEntry[]>
  info: DbInfo
}

/** The curated data file shipped with llmsec: OSV records for the AI stack. */
export const BUNDLED = bundled as unknown as {updated: string; records: OsvRecord[]}

interface SourceState {
  info: DbSource
  notes: VulnNote[]
  dropped: number
}

/** Adds one parsed JSON document to the database; a document that is not an OSV record is a note. */
function addRecord(db: AdvisoryDb, state: SourceState, value: unknown, where: string, wanted?: Set<string>): void {
  const record = value as OsvRecord
  if (!record || typeof record !== 'object' || typeof record.id !== 'string' || typeof record.modified !== 'string') {
    noteFor(state, {
      code: 'db-record-invalid',
      subject: where,
      message: `${where} is not an OSV record (no id or modified)`,
    })
    return
  }
  state.info.records++
  if (!state.info.newestModified || record.modified > state.info.newestModified)
    state.info.newestModified = record.modified
  if (record.withdrawn || !Array.isArray(record.affected)) return
  for (const affected of record.affected) {
    const key = affected && typeof affected === 'object' ? affectedKey(affected) : null
    if (!key) continue
    const ecosystem = key.slice(0, key.indexOf('\0'))
    db.info.ecosystems[ecosystem] = (db.info.ecosystems[ecosystem] ?? 0) + 1
    if (wanted && !wanted.has(key)) continue
    const list = db.byKey.get(key) ?? []
    list.push({record: compact(record), affected})
    db.byKey.set(key, list)
  }
}

/** Keeps what a finding shows; `details` can be long and is dropped. */
function compact(record: OsvRecord): OsvRecord {
  const {id, modified, aliases, summary, severity, references, database_specific} = record
  return {id, modified, aliases, summary: summary?.slice(0, 300), severity, references, database_specific}
}

function noteFor(state: SourceState, note: VulnNote): void {
  if (state.notes.length < MAX_NOTES_PER_SOURCE) state.notes.push(note)
  else state.dropped++
}

function newState(source: string): SourceState {
  return {info: {source, records: 0, newestModified: null, ageDays: null}, notes: [], dropped: 0}
}

async function loadDirectory(db: AdvisoryDb, dir: string, state: SourceState, wanted?: Set<string>): Promise<void> {
  const queue = [dir]
  let files = 0
  for (let i = 0; i < queue.length; i++) {
    let entries: Dirent[]
    try {
      entries = await readdir(queue[i], {withFileTypes: true})
    } catch (error) {
      noteFor(state, {
        code: 'input-unreadable',
        subject: queue[i],
        message: `cannot read ${queue[i]} (${(error as NodeJS.ErrnoException).code})`,
      })
      continue
    }
    for (const entry of entries) {
      const path = join(queue[i], entry.name)
      if (entry.isDirectory()) queue.push(path)
      else if (entry.isFile() && ++files > MAX_DIR_FILES) return noteFor(state, limitNote(dir))
      else if (entry.isFile() && entry.name.endsWith('.zip')) await loadZip(db, path, state, wanted)
      else if (entry.isFile() && entry.name.endsWith('.json')) await loadJsonFile(db, path, state, wanted)
    }
  }
}

function limitNote(dir: string): VulnNote {
  return {code: 'limit-reached', subject: dir, message: `${dir}: stopped after ${MAX_DIR_FILES} files`}
}

async function loadJsonFile(db: AdvisoryDb, path: string, state: SourceState, wanted?: Set<string>): Promise<void> {
  const size = (await stat(path)).size
  if (size > MAX_RECORD_BYTES) {
    noteFor(state, {
      code: 'db-record-invalid',
      subject: path,
      message: `${path} is larger than ${MAX_RECORD_BYTES} bytes; skipped`,
    })
    return
  }
  try {
    addRecord(db, state, JSON.parse(await readFile(path, 'utf8')), path, wanted)
  } catch (error) {
    noteFor(state, {
      code: 'db-record-invalid',
      subject: path,
      message: `${path} is not JSON: ${(error as Error).message}`,
    })
  }
}

async function loadZip(db: AdvisoryDb, path: string, state: SourceState, wanted?: Set<string>): Promise<void> {
  await readZipJson(
    path,
    MAX_RECORD_BYTES,
    (member, value) => addRecord(db, state, value, `${path}!${member}`, wanted),
    (note) => noteFor(state, note),
  )
}

/** Opens one --db path (a directory of OSV JSON files and zips, or an OSV export zip). */
async function loadSource(db: AdvisoryDb, path: string, wanted?: Set<string>): Promise<SourceState> {
  const state = newState(path)
  const info = await stat(path).catch(() => null)
  if (!info)
    throw coreError('INPUT_NOT_FOUND', `--db ${path} does not exist; pass a directory of OSV files or an OSV all.zip.`)
  if (info.isDirectory()) await loadDirectory(db, path, state, wanted)
  else if (path.endsWith('.zip')) await loadZip(db, path, state, wanted)
  else await loadJsonFile(db, path, state, wanted)
  return state
}

function finish(db: AdvisoryDb, state: SourceState, newest: string | null, now: number): void {
  state.info.newestModified = newest
  const time = newest ? Date.parse(newest) : Number.NaN
  state.info.ageDays = Number.isNaN(time) ? null : Math.max(0, Math.floor((now - time) / DAY_MS))
  if (state.info.ageDays !== null && state.info.ageDays > MAX_DB_AGE_DAYS)
    state.notes.push({
      code: 'db-stale',
      subject: state.info.source,
      message: `advisory data from ${state.info.source} is ${state.info.ageDays} days old (more than ${MAX_DB_AGE_DAYS}); update it`,
    })
  if (state.dropped)
    state.notes.push({
      code: 'db-record-invalid',
      subject: state.info.source,
      message: `${state.dropped} more problems in ${state.info.source} were not listed`,
    })
  db.info.sources.push(state.info)
  db.info.records += state.info.records
  append(db.info.notes, state.notes)
}

export interface LoadDbOptions {
  /** --db paths: directories or zips of OSV records. */
  paths?: string[]
  /** Only keep entries for these package keys (the installed packages): bounds memory on full exports. */
  wanted?: Set<string>
  now?: number
}

/** Loads the bundled data and every --db source into one index. */
export async function loadAdvisoryDb(options: LoadDbOptions = {}): Promise<AdvisoryDb> {
  const now = options.now ?? Date.now()
  const db: AdvisoryDb = {
    byKey: new Map(),
    info: {sources: [], records: 0, ecosystems: {}, maxAgeDays: MAX_DB_AGE_DAYS, notes: []},
  }
  const own = newState('bundled')
  for (const record of BUNDLED.records) addRecord(db, own, record, `bundled ${record.id}`, options.wanted)
  // The bundled file's age is when it was last reviewed, not when its newest advisory changed.
  finish(db, own, `${BUNDLED.updated}T00:00:00Z`, now)
  for (const path of options.paths ?? []) {
    const state = await loadSource(db, path, options.wanted)
    finish(db, state, state.info.newestModified, now)
  }
  return db
}
