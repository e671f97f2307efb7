// Child process of bench/hash.ts: hashes files with llmsec's engine from dist/ and prints
// {ms, bytes, maxRssKb} as JSON. A separate process, so its peak RSS is llmsec's alone.
import {statSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import process from 'node:process'
import {pathToFileURL} from 'node:url'

const [distDir, ...files] = process.argv.slice(2)
const {hashJobs} = await import(pathToFileURL(join(distDir, 'src', 'artifacts', 'hash-pool.js')).href)
const jobs = files.map((path) => ({path, size: statSync(path).size}))
const before = process.resourceUsage()
const started = performance.now()
const results = await hashJobs(jobs, {algorithm: 'sha256'})
const ms = performance.now() - started
const bytes = results.reduce((sum, r) => sum + r.bytes, 0)
const usage = process.resourceUsage()
// CPU of the hashing alone (worker threads included), without Node's start-up.
const cpuMs = (usage.userCPUTime + usage.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000
process.stdout.write(JSON.stringify({ms, cpuMs, bytes, maxRssKb: usage.maxRSS, digests: results.map((r) => r.digest)}))
