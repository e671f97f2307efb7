import type yauzl from 'yauzl'

import type {VulnNote} from './vulns.types.js'

/** yauzl is loaded for a zip advisory database only (an audit reads the bundled JSON records). */
async function openZip(path: string): Promise<yauzl.ZipFile> {
  const {default: unzip} = await import('yauzl')
  return new Promise((resolve, reject) =>
    unzip.open(
      path,
      {lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true},
      (error, zip) => (error ? reject(error) : resolve(zip)),
    ),
  )
}

/** Reads one member into memory, refusing more than `max` bytes whatever its header declares. */
function readMember(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error)
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > max) stream.destroy(new Error(`member is larger than ${max} bytes`))
        else chunks.push(chunk)
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(Buffer.concat(chunks)))
    })
  })
}

/**
 * Streams the JSON members of a zip (an OSV `all.zip` export) one at a time, never unpacking to
 * disk: memory holds one member (at most `max` bytes) and the central directory. A member that is
 * too large or not JSON becomes a note; a file that is not a zip is a note for the whole source.
 */
export async function readZipJson(
  path: string,
  max: number,
  onRecord: (member: string, value: unknown) => void,
  onNote: (note: VulnNote) => void,
): Promise<void> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(path)
  } catch (error) {
    onNote({
      code: 'input-malformed',
      subject: path,
      message: `${path} is not a readable zip: ${(error as Error).message}`,
    })
    return
  }
  await new Promise<void>((resolve) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) return zip.readEntry()
      const where = `${path}!${entry.fileName}`
      if (entry.uncompressedSize > max) {
        onNote({code: 'db-record-invalid', subject: where, message: `${where} is larger than ${max} bytes; skipped`})
        return zip.readEntry()
      }
      readMember(zip, entry, max)
        .then((data) => {
          try {
            onRecord(entry.fileName, JSON.parse(data.toString('utf8')))
          } catch (error) {
            onNote({
              code: 'db-record-invalid',
              subject: where,
              message: `${where} is not JSON: ${(error as Error).message}`,
            })
          }
        })
        .catch((error: Error) =>
          onNote({code: 'db-record-invalid', subject: where, message: `${where}: ${error.message}`}),
        )
        .finally(() => zip.readEntry())
    })
    zip.on('error', (error: Error) => {
      onNote({code: 'input-malformed', subject: path, message: `${path}: ${error.message}`})
      resolve()
    })
    zip.on('end', () => resolve())
    zip.readEntry()
  })
}
