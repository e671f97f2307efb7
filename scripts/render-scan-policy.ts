/**
 * Writes the allowlist section of docs/scan-policy.md from src/scan/allowlist.ts (run with
 * `npx tsx scripts/render-scan-policy.ts`); a test keeps the page equal to the list.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {renderAllowlist} from '../src/scan/allowlist-doc.js'

const path = join(import.meta.dirname, '..', 'docs', 'scan-policy.md')
const text = readFileSync(path, 'utf8')
const [head, rest] = text.split('<!-- allowlist:start -->')
const tail = rest.split('<!-- allowlist:end -->')[1]
writeFileSync(path, `${head}<!-- allowlist:start -->\n${renderAllowlist()}<!-- allowlist:end -->${tail}`)
