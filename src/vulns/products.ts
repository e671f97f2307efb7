import {posix} from 'node:path'

import {parseDebianVersion} from '../core/deb-version.js'
import {runTool} from '../core/exec.js'
import {parseVersion} from '../core/version.js'
import {LLAMA_CPP, OLLAMA, TGI, TRITON} from '../hardware/index.js'
import type {DpkgPackage} from './dpkg.js'
import type {RpmPackage} from './rpm.js'
import {readRootFile} from './root-files.js'
import type {InstalledPackage, ServiceStart, VulnNote} from './vulns.types.js'

/**
 * Products without an OSV ecosystem that llmsec versions itself: the NVIDIA driver and container
 * toolkit (from dpkg, or the loaded kernel module on a live host) and inference binaries.
 * Advisories name them in `affected[].database_specific.product`.
 */
interface ProductSpec {
  id: string
  /** dpkg package names whose upstream version is the product's version. */
  dpkg?: RegExp
  /** rpm package names whose VERSION is the product's version (NVIDIA's CUDA and toolkit repositories, RPM Fusion). */
  rpm?: RegExp
  /** Binaries (inside the root) whose `--version` is read on a live host. */
  binaries?: string[]
  versionPattern?: RegExp
  /** Prefix of the release tags the version is compared as (`b` for llama.cpp builds). */
  tagPrefix?: string
  /** A file of the installation that names its version, read offline and live. */
  versionFile?: {path: string; pattern: RegExp}
}

const PRODUCTS: ProductSpec[] = [
  {
    id: 'nvidia-container-toolkit',
    dpkg: /^nvidia-container-toolkit(-base)?$/,
    rpm: /^nvidia-container-toolkit(-base)?$/,
  },
  {
    id: 'nvidia-driver',
    dpkg: /^(nvidia-driver(-\d+)?(-server)?(-open)?|nvidia-kernel-dkms|nvidia-dkms-\d+(-server)?(-open)?)$/,
    rpm: /^(nvidia-driver|kmod-nvidia(-latest|-open)?-dkms|xorg-x11-drv-nvidia)$/,
  },
  {
    id: OLLAMA.advisories.name,
    binaries: ['/usr/local/bin/', '/usr/bin/'].map((dir) => `${dir}${OLLAMA.advisories.name}`),
    versionPattern: /version is\s+v?(\d[\w.+-]*)/,
  },
  {
    // llama-server --version prints "version: 5721 (0b4be4c4)"; releases are tagged b5721.
    id: LLAMA_CPP.advisories.name,
    binaries: ['/usr/local/bin/llama-server', '/usr/bin/llama-server'],
    versionPattern: /^version:\s*(\d+)/m,
    tagPrefix: 'b',
  },
  {
    // NVIDIA's Triton images carry the server release (2.59.0) in TRITON_VERSION next to bin/tritonserver.
    id: TRITON.advisories.name,
    binaries: ['/opt/tritonserver/bin/tritonserver'],
    versionFile: {path: '/opt/tritonserver/TRITON_VERSION', pattern: /^\s*(\d+\.\d+\.\d+)\s*$/},
  },
  {
    // text-generation-launcher --version prints "text-generation-launcher 3.3.4".
    id: TGI.advisories.name,
    binaries: ['/usr/local/bin/text-generation-launcher', '/usr/bin/text-generation-launcher'],
    versionPattern: /text-generation-launcher\s+v?(\d[\w.+-]*)/,
  },
]

const NVIDIA_PROC = '/proc/driver/nvidia/version'

/** The upstream part of a Debian version (`1:550.144.03-1~deb12u1` → `550.144.03`). */
function upstreamOf(version: string): string | null {
  return parseDebianVersion(version)?.upstream ?? null
}

function productPackage(
  id: string,
  version: string,
  location: string,
  source: InstalledPackage['source'],
): InstalledPackage {
  return {source, ecosystem: 'product', name: id, version, location, services: []}
}

/** Products installed as dpkg packages: one entry per product and version. */
function fromDpkg(packages: DpkgPackage[]): InstalledPackage[] {
  const out = new Map<string, InstalledPackage>()
  for (const spec of PRODUCTS) {
    for (const pkg of packages) {
      if (!spec.dpkg?.test(pkg.name)) continue
      const version = upstreamOf(pkg.version)
      if (version)
        out.set(`${spec.id}\0${version}`, productPackage(spec.id, version, `${pkg.location} (${pkg.name})`, 'dpkg'))
    }
  }
  return [...out.values()]
}

/** Products installed as rpm packages (RHEL-family roots). */
function fromRpm(packages: RpmPackage[]): InstalledPackage[] {
  const out = new Map<string, InstalledPackage>()
  for (const spec of PRODUCTS) {
    for (const pkg of packages) {
      if (spec.rpm?.test(pkg.name))
        out.set(
          `${spec.id}\0${pkg.version}`,
          productPackage(spec.id, pkg.version, `${pkg.location} (${pkg.name})`, 'rpm'),
        )
    }
  }
  return [...out.values()]
}

/** The loaded NVIDIA kernel module's version on a live host ("NVRM version: … Kernel Module  550.54.15 …"). */
async function liveDriver(): Promise<InstalledPackage | null> {
  const read = await readRootFile('/', NVIDIA_PROC, 4096)
  if (read.state !== 'present') return null
  const version = /Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(read.data.toString('utf8'))?.[1]
  return version ? productPackage('nvidia-driver', version, NVIDIA_PROC, 'binary') : null
}

/** Products whose installation names its version in a file (read from the root, live or not). */
async function fromVersionFiles(root: string, notes: VulnNote[]): Promise<Map<string, InstalledPackage>> {
  const found = new Map<string, InstalledPackage>()
  for (const spec of PRODUCTS) {
    if (!spec.versionFile) continue
    const read = await readRootFile(root, spec.versionFile.path, 4096)
    if (read.state === 'absent') continue
    const version = read.state === 'present' ? spec.versionFile.pattern.exec(read.data.toString('utf8'))?.[1] : null
    if (version) found.set(spec.id, productPackage(spec.id, version, spec.versionFile.path, 'binary'))
    else
      notes.push({
        code: 'version-unparsable',
        subject: spec.versionFile.path,
        message: `${spec.versionFile.path} names no ${spec.id} version llmsec can compare`,
      })
  }
  return found
}

/**
 * Under --root binaries are not run: each inference binary present whose version no file names is
 * an open note, so an audit cannot pass on a binary it never versioned.
 */
async function offlineBinaries(root: string, known: Set<string>, notes: VulnNote[]): Promise<void> {
  for (const spec of PRODUCTS) {
    if (known.has(spec.id)) continue
    for (const path of spec.binaries ?? []) {
      if ((await readRootFile(root, path, 1)).state !== 'present') continue
      notes.push({
        code: 'not-supported',
        subject: path,
        message: `${path} is present but its version is not read offline (its build carries no version string llmsec can trust); run llmsec vulns on the live host, where --version is read`,
      })
      break
    }
  }
}

/** Binaries run with --version through the exec wrapper (live host only). */
async function liveBinaries(known: Set<string>, notes: VulnNote[]): Promise<InstalledPackage[]> {
  const found: InstalledPackage[] = []
  for (const spec of PRODUCTS) {
    if (known.has(spec.id) || !spec.versionPattern) continue
    for (const path of spec.binaries ?? []) {
      if ((await readRootFile('/', path, 1)).state !== 'present') continue
      const result = await runTool(path, ['--version'], {timeoutMs: 5000})
      const version = spec.versionPattern?.exec(`${result.stdout}\n${result.stderr}`)?.[1]
      if (version && parseVersion(version))
        found.push(productPackage(spec.id, `${spec.tagPrefix ?? ''}${version}`, path, 'binary'))
      else
        notes.push({
          code: 'version-unparsable',
          subject: path,
          message: `${path} --version printed no version (${result.reason ?? 'no version in its output'})`,
        })
      break
    }
  }
  return found
}

/** Product versions of the inspected system. Under --root, binaries are not run: dpkg, rpm and version files tell, and a binary none of them versions is a note. */
export async function findProducts(
  root: string,
  live: boolean,
  dpkg: DpkgPackage[],
  rpm: RpmPackage[],
  notes: VulnNote[],
): Promise<InstalledPackage[]> {
  const products = [...fromDpkg(dpkg), ...fromRpm(rpm)]
  const files = await fromVersionFiles(root, notes)
  const known = new Set([...products.map((p) => p.name), ...files.keys()])
  const versioned = [...products, ...files.values()]
  if (!live || root !== '/') {
    await offlineBinaries(root, known, notes)
    return versioned
  }
  const driver = await liveDriver()
  const others = versioned.filter((p) => !driver || p.name !== 'nvidia-driver')
  return [...others, ...(driver ? [driver] : []), ...(await liveBinaries(known, notes))]
}

/** Services whose program is a product's binary (the unit that runs /usr/local/bin/ollama). */
export function productServices(pkg: InstalledPackage, starts: ServiceStart[]): ServiceStart[] {
  const spec = PRODUCTS.find((p) => p.id === pkg.name)
  return starts.filter(
    (s) =>
      s.runtime === pkg.name ||
      (spec?.binaries ?? []).some((b) => posix.basename(b) === posix.basename(s.argv[0] ?? '')),
  )
}
