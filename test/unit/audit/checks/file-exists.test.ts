import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('file-exists', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/var/lib/aide/aide.db': 'db', '/etc/link': {link: '/var/lib/aide/aide.db'}})
  })
  afterAll(() => removeRoot(root))

  it('passes when the file exists under the root, following links inside the root', async () => {
    expect((await runCheck('file-exists', {path: '/var/lib/aide/aide.db'}, {root})).status).toBe('pass')
    expect((await runCheck('file-exists', {path: '/etc/link'}, {root})).status).toBe('pass')
  })

  it('fails when it is missing, and inverts with expect: absent', async () => {
    expect((await runCheck('file-exists', {path: '/nope'}, {root})).status).toBe('fail')
    expect((await runCheck('file-exists', {path: '/nope', expect: 'absent'}, {root})).status).toBe('pass')
    expect((await runCheck('file-exists', {path: '/var/lib/aide/aide.db', expect: 'absent'}, {root})).status).toBe(
      'fail',
    )
  })
})
