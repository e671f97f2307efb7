// Reads paths of a root filesystem through the audit's fact layer and prints each read's outcome
// as JSON; run by tests as an unprivileged user, so permission-denied reads are real.
import {listDirIn, readTextIn, statIn} from '../../src/audit/facts/index.js'

const [root, ...paths] = process.argv.slice(2)
const shape = (read: {state: string; code?: string}) => ({state: read.state, ...(read.code ? {code: read.code} : {})})
const out: Record<string, unknown> = {}
for (const path of paths) {
  out[path] = {
    text: shape(await readTextIn(root, path)),
    stat: shape(await statIn(root, path)),
    list: shape(await listDirIn(root, path)),
  }
}
process.stdout.write(JSON.stringify(out))
