import {writeFile} from 'node:fs/promises'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseDurationDays} from '../../../src/audit/check-helpers.js'
import {compareDebianVersions} from '../../../src/core/version.js'
import {readConfigValue} from '../../../src/audit/checks/config-value.js'
import {logrotateDays} from '../../../src/audit/checks/log-retention.js'
import {parseDpkgStatus, parseGroup} from '../../../src/audit/facts/host.js'
import {parsePasswd} from '../../../src/hardware/index.js'
import {splitExecStart} from '../../../src/audit/facts/inference.js'
import {parseEnvFile, parseEnvironmentLine, parseUnit} from '../../../src/audit/facts/systemd.js'
import {loadRuleset} from '../../../src/audit/index.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {repoRoot} from '../../helpers/cli.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const text = fc.string({unit: 'binary', maxLength: 2000})
const lines = fc
  .array(fc.oneof(fc.string({maxLength: 60}), fc.constantFrom('[Service]', 'A=1', 'X=', '\\', '#', 'Package: a')), {
    maxLength: 40,
  })
  .map((l) => l.join('\n'))

describe('parsers never throw on arbitrary input', () => {
  it('unit files, environment lines and env files', () => {
    fc.assert(
      fc.property(fc.oneof(text, lines), (input) => {
        const sections = parseUnit(input)
        expect(typeof sections).toBe('object')
        expect(Array.isArray(parseEnvironmentLine(input))).toBe(true)
        for (const [key] of parseEnvFile(input)) expect(key).toMatch(/^[A-Za-z_]\w*$/)
        expect(Array.isArray(splitExecStart(input))).toBe(true)
      }),
      {numRuns: 300},
    )
  })

  it('passwd, group, dpkg status, config values, logrotate and durations', () => {
    fc.assert(
      fc.property(fc.oneof(text, lines), (input) => {
        for (const user of parsePasswd(input)) expect(typeof user.name).toBe('string')
        parseGroup(input)
        parseDpkgStatus(input)
        readConfigValue(input, 'UMASK', 'space', true)
        readConfigValue(input, 'A', '=', false)
        const days = logrotateDays(input)
        expect(days === null || Number.isFinite(days) || Number.isNaN(days)).toBe(true)
        const d = parseDurationDays(input)
        expect(d === null || d >= 0).toBe(true)
      }),
      {numRuns: 300},
    )
  })

  it('Debian version comparison is antisymmetric', () => {
    const version = fc.stringMatching(/^(\d:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,4})?$/)
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(Math.sign(compareDebianVersions(a, b))).toBe(-Math.sign(compareDebianVersions(b, a)) || 0)
        expect(compareDebianVersions(a, a)).toBe(0)
      }),
      {numRuns: 300},
    )
  })
})

describe('ruleset loader on mutated rulesets', () => {
  let dir: string
  beforeAll(async () => {
    dir = await buildRoot({})
  })
  afterAll(() => removeRoot(dir))

  it('either loads or fails with one LlmsecError (exit 2) naming the file', async () => {
    const base = readFileSync(join(repoRoot, 'rulesets', 'baseline.yaml'), 'utf8')
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length - 1), fc.nat(40), fc.string({maxLength: 8}), async (at, cut, insert) => {
        const file = join(dir, `m${n++}.yaml`)
        await writeFile(file, base.slice(0, at) + insert + base.slice(at + cut))
        try {
          await loadRuleset(file)
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
          expect((error as LlmsecError).exit).toBe(2)
          expect((error as LlmsecError).message).toContain(file)
        }
      }),
      {numRuns: 40},
    )
  })
})
