import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('unit-secrets', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/systemd/system/a.service':
        '[Service]\nEnvironment="OPENAI_API_KEY=sk-123" PORT=1\nEnvironment=HF_TOKEN=${CRED}\n',
      '/etc/systemd/system/b.service': '[Service]\nEnvironment=PASSWORD=\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('flags secret-named values, redacts them, ignores empty and $-references', async () => {
    const out = await runCheck('unit-secrets', {}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual(['/etc/systemd/system/a.service: Environment=OPENAI_API_KEY=***'])
    expect(out.evidence.join(' ')).not.toContain('sk-123')
  })
})
