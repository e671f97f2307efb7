import {afterEach, describe, expect, it} from 'vitest'

import {scanVulnerabilities} from '../../../src/vulns/engine.js'
import {buildRoot, removeRoot, type RootSpec} from '../../helpers/rootfs.js'

const roots: string[] = []
async function scan(spec: RootSpec) {
  const root = await buildRoot(spec)
  roots.push(root)
  return scanVulnerabilities({root, live: false})
}
afterEach(async () => {
  for (const root of roots.splice(0)) await removeRoot(root)
})

const TRITON_BIN = {'/opt/tritonserver/bin/tritonserver': {content: '\x7fELF', mode: 0o755}}

describe('inference binaries under --root', () => {
  it('versions Triton from the TRITON_VERSION file its images carry', async () => {
    const report = await scan({...TRITON_BIN, '/opt/tritonserver/TRITON_VERSION': '2.59.0\n'})
    expect(report.inventory.products).toEqual([
      {name: 'triton', version: '2.59.0', location: '/opt/tritonserver/TRITON_VERSION'},
    ])
    expect(report.notes.filter((n) => n.area === 'product')).toEqual([])
  })

  it('a TRITON_VERSION that names no version, or a Triton binary without one, is an open note', async () => {
    const odd = await scan({...TRITON_BIN, '/opt/tritonserver/TRITON_VERSION': 'r25.07; see release notes\n'})
    expect(odd.notes).toContainEqual(expect.objectContaining({area: 'product', code: 'version-unparsable'}))
    const bare = await scan(TRITON_BIN)
    expect(bare.notes).toContainEqual(
      expect.objectContaining({area: 'product', code: 'not-supported', subject: '/opt/tritonserver/bin/tritonserver'}),
    )
  })

  it('an Ollama, llama-server or TGI binary it cannot version offline is a note, never silence', async () => {
    const report = await scan({
      '/usr/local/bin/ollama': {content: '\x7fELF', mode: 0o755},
      '/usr/bin/llama-server': {content: '\x7fELF', mode: 0o755},
      '/usr/local/bin/text-generation-launcher': {content: '\x7fELF', mode: 0o755},
    })
    expect(report.notes.filter((n) => n.area === 'product').map((n) => [n.code, n.subject])).toEqual([
      ['not-supported', '/usr/local/bin/ollama'],
      ['not-supported', '/usr/bin/llama-server'],
      ['not-supported', '/usr/local/bin/text-generation-launcher'],
    ])
    // The benign twin: no binary, no note.
    const none = await scan({'/etc/hostname': 'h\n'})
    expect(none.notes.filter((n) => n.area === 'product')).toEqual([])
  })
})
