/**
 * Start-up and inventory timing: `llmsec --version`, `llmsec --help` and
 * `llmsec inventory --skip-models` side by side with `node -e 0` (the floor any Node CLI pays).
 * Run after `npm run build`: npx tsx bench/startup.ts [runs]
 * Bounded: a fixed number of runs of each command (default 10).
 */
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const runs = Math.min(Math.max(Number(process.argv[2] ?? 10), 1), 50)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function time(args: string[]): number {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    execFileSync(process.execPath, args, {stdio: 'ignore', env: {...process.env, NO_COLOR: '1'}})
    samples.push(performance.now() - started)
  }
  return median(samples)
}

const floor = time(['-e', '0'])
const rows: [string, number][] = [
  ['node -e 0', floor],
  ['llmsec --version', time([bin, '--version'])],
  ['llmsec --help', time([bin, '--help'])],
  ['llmsec inventory --skip-models', time([bin, 'inventory', '--skip-models'])],
  ['llmsec inventory --skip-models --json', time([bin, 'inventory', '--skip-models', '--json'])],
]
console.log(`median of ${runs} runs each`)
for (const [name, ms] of rows)
  console.log(`${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / floor).toFixed(1)}× node -e 0`)
const inventory = rows[3][1]
console.log(`inventory target < 2000 ms: ${inventory < 2000 ? 'met' : 'NOT met'} (${inventory.toFixed(0)} ms)`)
