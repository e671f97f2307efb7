/**
 * `llmsec vulns` at host scale, and its pending-update verdicts next to apt's own.
 *
 * 1. A synthetic root with 2,000 dpkg packages (a security list newer for every tenth) and three Python
 *    environments holding 2,000 distributions in all: engine time with the bundled data (target ≤ 1 s).
 * 2. The same root with a synthetic PyPI OSV export (default 40,000 records, about the size of the real
 *    PyPI all.zip) passed with --db, through the CLI: wall time (target ≤ 10 s) and peak RSS (< 300 MB).
 *    No network here, so the export is generated (OSV-shaped records, a few hundred naming installed
 *    packages); it measures the streamed zip reader, not advisory coverage.
 * 3. Peer: Trivy and Grype are not installable here (neither Debian nor npm ships them), so the pending
 *    security updates of this host (llmsec vulns on /) are compared with `apt-get -s upgrade` restricted to
 *    the security suite, package by package.
 * Run: npm run build && npx tsx bench/vulns.ts [records]   (bounded: 1,000–200,000 records, one run each)
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runTool} from '../src/core/exec.js'
import {scanVulnerabilities, type VulnReport} from '../src/vulns/index.js'
import {addToRoot, type RootSpec} from '../test/helpers/rootfs.js'

const records = Math.min(Math.max(Number(process.argv[2] ?? 40_000), 1000), 200_000)
const dir = mkdtempSync(join(tmpdir(), 'llmsec-bench-vulns-'))
const root = join(dir, 'root')
const REAL = ['torch', 'vllm', 'transformers', 'numpy', 'ray', 'mlflow', 'gradio', 'llama-cpp-python', 'onnx', 'keras']

function stanza(name: string, version: string): string {
  return `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name}\n text\n`
}

function rootSpec(): RootSpec {
  const spec: RootSpec = {'/etc/os-release': 'ID=debian\nVERSION_ID="12"\n'}
  const dpkg = Array.from({length: 2000}, (_, i) => stanza(`pkg${i}`, `1.${i % 50}-${i % 7}`))
  const security = Array.from({length: 200}, (_, i) =>
    stanza(`pkg${i * 10}`, `1.${(i * 10) % 50}-${((i * 10) % 7) + 1}`),
  )
  spec['/var/lib/dpkg/status'] = dpkg.join('\n')
  spec['/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages'] =
    security.join('\n')
  const envs = ['/opt/a/venv', '/opt/b/venv', '/home/u/miniconda3/envs/c']
  for (let i = 0; i < 2000; i++) {
    const name = i < REAL.length ? REAL[i] : `dist-${i}`
    const site = `${envs[i % 3]}/lib/python3.11/site-packages`
    spec[`${site}/${name}-0.1.${i}.dist-info/METADATA`] = `Metadata-Version: 2.1\nName: ${name}\nVersion: 0.1.${i}\n\n`
  }
  return spec
}

/** Writes a zip of OSV records with Python's zipfile (a generator script, bounded by `records`). */
async function makeExport(path: string): Promise<void> {
  const script = join(dir, 'mkexport.py')
  writeFileSync(
    script,
    [
      'import json, sys, zipfile',
      'n = int(sys.argv[2])',
      'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
      '    for i in range(n):',
      '        name = f"dist-{i % 2000}" if i % 100 == 0 else f"other-{i}"',
      '        rec = {"schema_version": "1.7.0", "id": f"GHSA-bench-{i}", "modified": "2026-11-30T00:00:00Z",',
      '               "aliases": [f"CVE-2026-{i}"], "summary": "synthetic", "details": "x" * 2000,',
      '               "affected": [{"package": {"ecosystem": "PyPI", "name": name},',
      '                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0.2"}]}]}],',
      '               "references": [{"type": "ADVISORY", "url": f"https://example.invalid/{i}"}]}',
      '        z.writestr(f"GHSA-bench-{i}.json", json.dumps(rec))',
    ].join('\n'),
  )
  const result = await runTool('python3', [script, path, String(records)], {timeoutMs: 600_000})
  if (result.status !== 'ok') throw new Error(`cannot make the export: ${result.reason}`)
}

/** Runs the CLI under python3 to read the child's peak RSS (ru_maxrss of RUSAGE_CHILDREN, KiB). */
async function cliWithRss(args: string[]): Promise<{ms: number; rssMb: number; report: VulnReport}> {
  const probe = [
    'import json, resource, subprocess, sys, time',
    't = time.time(); out = subprocess.run(sys.argv[1:], capture_output=True, text=True)',
    'print(json.dumps({"ms": round((time.time() - t) * 1000), "kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "out": out.stdout}))',
  ].join('\n')
  const result = await runTool('python3', ['-c', probe, process.execPath, 'bin/run.js', ...args], {timeoutMs: 600_000})
  const parsed = JSON.parse(result.stdout) as {ms: number; kb: number; out: string}
  return {ms: parsed.ms, rssMb: Math.round(parsed.kb / 1024), report: JSON.parse(parsed.out) as VulnReport}
}

/** Packages `apt-get -s upgrade` would take from the security suite on this host. */
async function aptSecurityUpgrades(): Promise<Set<string>> {
  const result = await runTool('apt-get', ['-s', 'upgrade'], {timeoutMs: 120_000})
  const lines = result.stdout.split('\n').filter((l) => l.startsWith('Inst ') && /-security/i.test(l))
  return new Set(lines.map((l) => l.split(' ')[1]))
}

async function main(): Promise<void> {
  await addToRoot(root, rootSpec())
  await scanVulnerabilities({root, live: false}) // warm-up: module loading is not engine time
  const started = performance.now()
  const report = await scanVulnerabilities({root, live: false})
  const engineMs = Math.round(performance.now() - started)
  console.log(
    `engine, bundled data: ${report.inventory.dpkgPackages} dpkg + ${report.inventory.pythonPackages} Python packages ` +
      `in ${report.inventory.environments.length} environments, ${report.findings.length} findings: ${engineMs} ms (target ≤ 1000 ms)`,
  )
  const zip = join(dir, 'PyPI-all.zip')
  await makeExport(zip)
  const cli = await cliWithRss(['vulns', '--root', root, '--db', zip, '--json', '--fail-on', 'none'])
  const db = cli.report.db.sources.find((s) => s.source === zip)
  console.log(
    `CLI with a ${records}-record PyPI export: ${db?.records} records read, ${cli.report.findings.length} findings, ` +
      `${cli.ms} ms (target ≤ 10000 ms), peak RSS ${cli.rssMb} MB (target < 300 MB)`,
  )
  const apt = await aptSecurityUpgrades()
  const host = await cliWithRss(['vulns', '--json', '--fail-on', 'none'])
  const ours = new Set(host.report.findings.filter((f) => f.kind === 'security-update').map((f) => f.package))
  const onlyOurs = [...ours].filter((p) => !apt.has(p))
  const onlyApt = [...apt].filter((p) => !ours.has(p))
  console.log(
    `this host: llmsec ${ours.size} pending security updates, apt-get -s upgrade ${apt.size} from the security suite; ` +
      `agreement ${ours.size + apt.size ? ((2 * (ours.size - onlyOurs.length)) / (ours.size + apt.size)).toFixed(3) : '1.000'}` +
      `${onlyOurs.length ? `; only llmsec: ${onlyOurs.join(' ')}` : ''}${onlyApt.length ? `; only apt: ${onlyApt.join(' ')}` : ''}` +
      ` (whole CLI ${host.ms} ms)`,
  )
}

try {
  await main()
} finally {
  rmSync(dir, {recursive: true, force: true})
}
