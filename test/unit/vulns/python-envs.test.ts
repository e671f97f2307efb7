import {mkdir, readdir} from 'node:fs/promises'
import {join, posix} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'

import {scanVulnerabilities} from '../../../src/vulns/index.js'
import {environmentOf, findSitePackages, parseCoreMetadata} from '../../../src/vulns/python-envs.js'
import type {VulnNote} from '../../../src/vulns/vulns.types.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const roots: string[] = []
afterAll(async () => {
  for (const root of roots) await removeRoot(root)
})

async function root(spec: Parameters<typeof buildRoot>[0]): Promise<string> {
  const path = await buildRoot(spec)
  roots.push(path)
  return path
}

const meta = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`

describe('Python environments', () => {
  it('reads only the header block of core metadata', () => {
    expect(parseCoreMetadata('Name: torch\nVersion: 2.5.1\n\nVersion: 9.9\n')).toEqual({
      name: 'torch',
      version: '2.5.1',
    })
    expect(parseCoreMetadata('\u0000\u0001garbage')).toEqual({name: null, version: null})
    expect(environmentOf('/opt/conda/envs/ml/lib/python3.11/site-packages')).toBe('/opt/conda/envs/ml')
    expect(environmentOf('/usr/lib/python3/dist-packages')).toBe('/usr')
  })

  it("does not descend into other toolchains' package stores", async () => {
    const dir = await root({
      '/root/.m2/repository/org/python/lib/python3.11/site-packages/x-1.dist-info/METADATA': meta('x', '1'),
      '/root/.gradle/caches/lib/python3.11/site-packages/y-1.dist-info/METADATA': meta('y', '1'),
      '/root/.rustup/toolchains/lib/python3.11/site-packages/z-1.dist-info/METADATA': meta('z', '1'),
      '/root/venv/lib/python3.11/site-packages/torch-2.5.1.dist-info/METADATA': meta('torch', '2.5.1'),
    })
    expect((await findSitePackages(dir, [])).map((s) => s.path)).toEqual(['/root/venv/lib/python3.11/site-packages'])
  })

  it('finds venvs, conda envs and the system prefix, notes bad metadata, and ties each to its services', async () => {
    const dir = await root({
      '/usr/lib/python3/dist-packages/transformers-4.30.0.dist-info/METADATA': meta('transformers', '4.30.0'),
      '/usr/local/lib/python3.11/dist-packages/Gradio-3.0.0.dist-info/METADATA': meta('Gradio', '3.0.0'),
      '/home/ana/miniconda3/envs/ml/lib/python3.11/site-packages/vllm-0.8.4.dist-info/METADATA': meta('vllm', '0.8.4'),
      '/home/ana/miniconda3/envs/ml/lib/python3.11/site-packages/broken.dist-info/METADATA': 'not metadata at all',
      '/home/ana/miniconda3/envs/ml/lib/python3.11/site-packages/weird-1.dist-info/METADATA': meta(
        'weird',
        'one point two',
      ),
      '/home/ana/miniconda3/envs/ml/lib/python3.11/site-packages/old.egg-info': meta('llama_cpp_python', '0.2.50'),
      '/opt/app/venv/lib/python3.11/site-packages/torch-2.5.1+cu121.dist-info/METADATA': meta('torch', '2.5.1+cu121'),
      '/opt/app/venv/lib/python3.11/site-packages/nodir.dist-info': 'a file, not a directory',
      '/usr/local/bin/jupyter-lab': {content: '#!/usr/bin/env python3\n', mode: 0o755},
      '/usr/local/bin/node': {content: '\u007fELF not python', mode: 0o755},
    })
    const report = await scanVulnerabilities({
      root: dir,
      live: false,
      services: [
        {name: 'api.service', source: 'unit', argv: ['/opt/app/venv/bin/python', '-m', 'app'], listening: []},
        {name: 'lab.service', source: 'unit', argv: ['/usr/local/bin/jupyter-lab'], listening: []},
        {
          name: 'ml.service',
          source: 'unit',
          argv: ['/home/ana/miniconda3/envs/ml/bin/python3.11', 'serve.py'],
          listening: [],
        },
        {name: 'nginx.service', source: 'unit', argv: ['/usr/sbin/nginx'], listening: []},
        {name: 'node.service', source: 'unit', argv: ['/usr/local/bin/node', 'app.js'], listening: []},
      ],
    })
    const envs = new Map(report.inventory.environments.map((e) => [e.path, e.services.map((s) => s.name)]))
    expect(envs).toEqual(
      new Map([
        ['/usr', ['lab.service']],
        ['/usr/local', ['lab.service']],
        ['/opt/app/venv', ['api.service']],
        ['/home/ana/miniconda3/envs/ml', ['ml.service']],
      ]),
    )
    const found = new Map(report.findings.map((f) => [f.package, f]))
    expect(found.get('torch')?.services.map((s) => s.name)).toEqual(['api.service'])
    expect(found.get('llama-cpp-python')?.ids).toContain('CVE-2024-34359')
    expect(found.get('vllm')?.environment).toBe('/home/ana/miniconda3/envs/ml')
    expect(report.notes.map((n) => n.code).sort()).toEqual(['input-malformed', 'version-unparsable'])
    expect(report.notes.find((n) => n.code === 'version-unparsable')?.subject).toMatch(/^weird /)
  })
})

describe('advisories that cannot be judged', () => {
  it('a range whose versions do not compare is a note of the package’s area, never a silent pass', async () => {
    const dir = await root({
      '/opt/v/lib/python3.11/site-packages/mlflow-2.0.0.dist-info/METADATA': meta('mlflow', '2.0.0'),
      '/db/X-1.json': JSON.stringify({
        id: 'X-1',
        modified: '2026-11-30T00:00:00Z',
        affected: [
          {
            package: {ecosystem: 'PyPI', name: 'mlflow'},
            ranges: [{type: 'ECOSYSTEM', events: [{introduced: '0'}, {fixed: 'not a version!'}]}],
          },
        ],
      }),
    })
    const report = await scanVulnerabilities({root: dir, live: false, dbPaths: [`${dir}/db`]})
    expect(report.notes).toContainEqual(
      expect.objectContaining({code: 'version-unparsable', area: 'python', subject: 'X-1'}),
    )
    // The bundled MLflow record (fixed in 2.9.2) still judges it.
    expect(report.findings.find((f) => f.package === 'mlflow')?.ids).toContain('CVE-2023-6909')
  })
})

describe('looking for Python environments, several directories listed at a time', () => {
  /** Listing one directory after another, breadth first: the order and the limit the walk must keep. */
  async function oneAtATime(rootDir: string, base: string, depth: number): Promise<string[]> {
    const found: string[] = []
    const queue: [string, number][] = [[base, 0]]
    for (let i = 0; i < queue.length; i++) {
      const [dir, level] = queue[i]
      const entries = await readdir(join(rootDir, dir), {withFileTypes: true}).catch(() => [])
      for (const entry of entries) {
        if (!entry.isDirectory()) continue
        const path = posix.join(dir, entry.name)
        if (entry.name === 'site-packages' || entry.name === 'dist-packages') found.push(path)
        else if (level + 1 < depth) queue.push([path, level + 1])
      }
    }
    return found
  }

  it('finds the same directories in the same order as listing one at a time (property)', async () => {
    const segment = fc.constantFrom('a', 'b', 'venv', 'lib', 'python3.11', 'site-packages', 'dist-packages', 'x')
    const tree = fc.uniqueArray(fc.array(segment, {minLength: 1, maxLength: 8}), {minLength: 1, maxLength: 40})
    await fc.assert(
      fc.asyncProperty(tree, async (paths) => {
        const dir = await root(Object.fromEntries(paths.map((p) => [`/opt/${p.join('/')}/.keep`, ''])))
        const found = (await findSitePackages(dir, [])).map((s) => s.path)
        expect(found).toEqual(await oneAtATime(dir, '/opt', 7))
      }),
      {numRuns: 25},
    )
  })

  it('stops after 50,000 directories with a note, keeping what it found before the limit', async () => {
    const dir = await root({'/opt/site-packages/.keep': ''})
    // 50,010 directories one level below /opt: the walk lists /opt, then stops inside them.
    await Promise.all(Array.from({length: 50_010}, (_, i) => mkdir(join(dir, 'opt', `d${i}`))))
    await mkdir(join(dir, 'opt', 'zz', 'late', 'site-packages'), {recursive: true})
    const notes: VulnNote[] = []
    const found = (await findSitePackages(dir, notes)).map((s) => s.path)
    expect(found).toEqual(['/opt/site-packages'])
    expect(notes).toMatchObject([{code: 'limit-reached', subject: '/opt'}])
  }, 60_000)
})
