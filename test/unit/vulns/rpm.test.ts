import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {scanVulnerabilities} from '../../../src/vulns/engine.js'
import {parseRpmQuery, rpmEvr} from '../../../src/vulns/rpm.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

describe('parseRpmQuery', () => {
  it('reads name, epoch, version, release and arch, and counts lines that do not fit', () => {
    const out = 'bash\t0\t5.1.8\t9.el9\tx86_64\nnvidia-driver\t3\t550.54.15\t1.el9\tx86_64\nbroken line\n\tx\t1\t2\t3\n'
    const {packages, bad} = parseRpmQuery(out, '/var/lib/rpm')
    expect(packages.map(rpmEvr)).toEqual(['5.1.8-9.el9', '3:550.54.15-1.el9'])
    expect(packages[1]).toMatchObject({name: 'nvidia-driver', version: '550.54.15', arch: 'x86_64'})
    expect(bad).toBe(2)
  })

  it('never throws and keeps only well-formed entries on arbitrary output', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 2000}), (text) => {
        const {packages, bad} = parseRpmQuery(text, '/d')
        expect(packages.length + bad).toBeLessThanOrEqual(text.split('\n').length)
        for (const p of packages) expect(`${p.name}${p.version}${p.release}`).not.toMatch(/[\t\n\s]/)
      }),
    )
  })
})

const noRpm = skipReason(
  !hasTool('rpm') || !hasTool('rpmbuild'),
  'rpm and rpmbuild are not installed (Debian package rpm): the rpm database tests are skipped',
)

/** A real rpm database built by Debian's rpm: empty noarch packages registered with --justdb. */
async function rpmDatabase(dir: string, packages: [string, string, string?][]): Promise<void> {
  const top = await mkdtemp(join(tmpdir(), 'llmsec-rpmbuild-'))
  try {
    await mkdir(dir, {recursive: true})
    execFileSync('rpm', ['--dbpath', dir, '--initdb'])
    for (const [name, version, epoch] of packages) {
      const spec = join(top, `${name}.spec`)
      const header = `Name: ${name}\nVersion: ${version}\nRelease: 1.el9\n${epoch ? `Epoch: ${epoch}\n` : ''}`
      await writeFile(spec, `${header}Summary: t\nLicense: none\nBuildArch: noarch\n%description\nt\n%files\n`)
      execFileSync('rpmbuild', ['--quiet', '--define', `_topdir ${top}`, '-bb', spec], {stdio: 'pipe'})
    }
    const rpms = (await readdir(join(top, 'RPMS', 'noarch'))).map((f) => join(top, 'RPMS', 'noarch', f))
    execFileSync('rpm', ['--dbpath', dir, '-i', '--justdb', '--nodeps', '--noscripts', '--ignoreos', ...rpms], {
      stdio: 'pipe',
    })
    await rm(join(dir, '.rpm.lock'), {force: true})
  } finally {
    await rm(top, {recursive: true, force: true})
  }
}

async function digestOf(dir: string): Promise<string> {
  const hash = createHash('sha256')
  for (const name of (await readdir(dir)).sort()) hash.update(name).update(await readFile(join(dir, name)))
  return hash.digest('hex')
}

describe.skipIf(noRpm)('a RHEL-family root read with the rpm tool', () => {
  const roots: string[] = []
  let vulnerable = ''
  let fixed = ''
  beforeAll(async () => {
    vulnerable = await buildRoot({'/etc/os-release': 'ID=rhel\nVERSION_ID=9.4\n'})
    await rpmDatabase(join(vulnerable, 'var/lib/rpm'), [
      ['bash', '5.1.8'],
      ['nvidia-container-toolkit', '1.16.1'],
      ['nvidia-driver', '550.54.15', '3'],
    ])
    // Fedora's layout: /var/lib/rpm links to /usr/lib/sysimage/rpm, one database.
    fixed = await buildRoot({
      '/etc/os-release': 'ID=fedora\nVERSION_ID=40\n',
      '/var/lib/rpm': {link: '../../usr/lib/sysimage/rpm'},
    })
    await rpmDatabase(join(fixed, 'usr/lib/sysimage/rpm'), [['nvidia-container-toolkit', '1.17.8']])
    roots.push(vulnerable, fixed)
  }, 60_000)
  afterAll(async () => {
    for (const root of roots) await removeRoot(root)
  })

  it('judges the container toolkit and driver rpm installed, without writing to the root', async () => {
    const before = await digestOf(join(vulnerable, 'var/lib/rpm'))
    const report = await scanVulnerabilities({root: vulnerable, live: false})
    expect(report.inventory.rpmPackages).toBe(3)
    const toolkit = report.findings.find((f) => f.package === 'nvidia-container-toolkit')
    expect(toolkit).toMatchObject({installed: '1.16.1', location: '/var/lib/rpm (nvidia-container-toolkit)'})
    expect(toolkit?.ids).toContain('CVE-2024-0132')
    expect(report.inventory.products).toContainEqual({
      name: 'nvidia-driver',
      version: '550.54.15',
      location: '/var/lib/rpm (nvidia-driver)',
    })
    // OS packages are read but their pending updates are not judged: an open note, never a silent pass.
    expect(report.notes).toContainEqual(
      expect.objectContaining({
        area: 'os',
        code: 'not-supported',
        message: expect.stringMatching(/3 rpm packages read/),
      }),
    )
    expect(report.notes.filter((n) => n.area === 'product')).toEqual([])
    expect(await digestOf(join(vulnerable, 'var/lib/rpm'))).toBe(before)
  })

  it('passes the fixed toolkit and reads a linked database once', async () => {
    const report = await scanVulnerabilities({root: fixed, live: false})
    expect(report.inventory.rpmPackages).toBe(1)
    expect(report.inventory.products).toEqual([
      {name: 'nvidia-container-toolkit', version: '1.17.8', location: '/var/lib/rpm (nvidia-container-toolkit)'},
    ])
    expect(report.findings.filter((f) => f.package === 'nvidia-container-toolkit')).toEqual([])
  })

  it('a database rpm cannot read leaves OS packages and NVIDIA products unknown', async () => {
    const root = await buildRoot({'/var/lib/rpm/rpmdb.sqlite': 'SQLite format 3\0 but not a database'})
    roots.push(root)
    const report = await scanVulnerabilities({root, live: false})
    expect(report.inventory.rpmPackages).toBe(0)
    for (const area of ['os', 'product'])
      expect(report.notes, area).toContainEqual(
        expect.objectContaining({area, code: 'not-supported', message: expect.stringMatching(/could not be read/)}),
      )
  })
})

it('a Debian root has no rpm note', async () => {
  const root = await buildRoot({'/var/lib/dpkg/status': ''})
  try {
    const report = await scanVulnerabilities({root, live: false})
    expect(report.notes.filter((n) => /rpm/.test(n.message))).toEqual([])
  } finally {
    await removeRoot(root)
  }
})
