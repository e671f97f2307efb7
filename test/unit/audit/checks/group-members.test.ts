import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('group-members', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/passwd': 'root:x:0:0::/root:/bin/bash\nci:x:1001:998::/home/ci:/bin/bash\n',
      '/etc/group': 'docker:x:998:alice\nvideo:x:44:\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('counts listed members and users whose primary group it is', async () => {
    const out = await runCheck('group-members', {group: 'docker', allowed: []}, {root})
    expect(out).toMatchObject({status: 'fail', evidence: ['group docker has members: alice, ci']})
    expect((await runCheck('group-members', {group: 'docker', allowed: ['alice', 'ci']}, {root})).status).toBe('pass')
  })

  it('skips when the group does not exist', async () => {
    expect((await runCheck('group-members', {group: 'podman'}, {root})).status).toBe('skip')
    expect((await runCheck('group-members', {group: 'video'}, {root})).status).toBe('pass')
  })
})
