import {execaSync} from 'execa'
import {describe, expect, it} from 'vitest'

import {isAllowlisted} from '../../../src/scan/index.js'
import {skipReason} from '../../helpers/env.js'

/**
 * Asks Debian's torch which globals its weights-only unpickler allows (torch._weights_only_unpickler.
 * _get_allowed_globals, plus torch.serialization.get_safe_globals where this torch has it).
 */
function torchAllowedGlobals(): string[] | null {
  const script = [
    'import json, torch._weights_only_unpickler as w, torch.serialization as s',
    'names = set(w._get_allowed_globals().keys())',
    'for g in getattr(s, "get_safe_globals", lambda: [])():',
    '    g = g[0] if isinstance(g, tuple) else g',
    '    names.add(f"{g.__module__}.{g.__qualname__}")',
    'print(json.dumps(sorted(names)))',
  ].join('\n')
  const run = execaSync('/usr/bin/python3', ['-c', script], {reject: false, timeout: 120_000})
  return run.exitCode === 0 ? (JSON.parse(run.stdout) as string[]) : null
}

const names = torchAllowedGlobals()

describe.skipIf(skipReason(names === null, 'the torch allowlist test needs Debian python3-torch'))(
  "the allowlist against torch's own weights-only unpickler",
  () => {
    it('allows every global torch.load(weights_only=True) allows', () => {
      expect(names!.length).toBeGreaterThan(50)
      expect(names!.filter((name) => !isAllowlisted(name))).toEqual([])
    })

    it('does not allow what that unpickler refuses, even from torch itself', () => {
      const refused = ['torch.load', 'torch.serialization.load', 'torch.hub.load', 'torch._C._jit_pass_inline']
      for (const name of refused) expect(names).not.toContain(name)
      expect(refused.filter((name) => isAllowlisted(name))).toEqual([])
    })
  },
)
