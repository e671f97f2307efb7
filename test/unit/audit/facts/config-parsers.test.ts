import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseComposeFile} from '../../../../src/audit/facts/compose.js'
import {imageRepository, parseContainerRun, parsePublish} from '../../../../src/audit/facts/containers.js'
import {isEphemeral, mountFor, parseCrypttab, parseMounts} from '../../../../src/audit/facts/mounts.js'
import {parseSecurityConf, readPamStack} from '../../../../src/audit/facts/pam.js'
import {RootReader} from '../../../../src/audit/facts/rootfs.js'
import {readSshdConfig, splitSshdLine} from '../../../../src/audit/facts/sshd-config.js'
import {
  DEFAULT_CONNECTION,
  effectiveValue,
  matchAddressList,
  matchPattern,
  matchPatternList,
} from '../../../../src/audit/facts/sshd-match.js'
import {LlmsecError} from '../../../../src/core/errors.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

const text = fc.string({unit: 'binary', maxLength: 2000})
const words = fc.array(
  fc.oneof(fc.string({maxLength: 20}), fc.constantFrom('run', '-p', '-e', '--', '-it', 'docker', 'x:y')),
  {
    maxLength: 30,
  },
)

describe('configuration parsers never throw and stay bounded', () => {
  it('sshd lines, patterns and address lists', () => {
    fc.assert(
      fc.property(text, fc.string({maxLength: 40}), fc.string({maxLength: 40}), (input, value, pattern) => {
        expect(Array.isArray(splitSshdLine(input))).toBe(true)
        expect(typeof matchPattern(value, pattern)).toBe('boolean')
        expect(typeof matchPatternList(value, pattern, true)).toBe('boolean')
        expect(typeof matchAddressList(value, pattern)).toBe('boolean')
      }),
      {numRuns: 500},
    )
  })

  it('sshd wildcard matching is linear: a pathological pattern answers at once', () => {
    const started = performance.now()
    expect(matchPattern('a'.repeat(20_000), `${'*a'.repeat(2000)}b`)).toBe(false)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('container command lines, published ports and image names', () => {
    fc.assert(
      fc.property(words, text, (argv, input) => {
        const spec = parseContainerRun(['docker', ...argv])
        if (spec) expect(typeof spec.image).toBe('string')
        expect(typeof parsePublish(input).containerPort).toBe('string')
        expect(typeof imageRepository(input)).toBe('string')
      }),
      {numRuns: 500},
    )
    expect(
      parseContainerRun(['docker', 'run', '-it', '--rm', '-e', 'A=1', '-p8000:8000', 'img', '--flag']),
    ).toMatchObject({
      image: 'img',
      args: ['--flag'],
      environment: {A: '1'},
      publish: [{hostIp: '0.0.0.0', hostPort: '8000', containerPort: '8000'}],
    })
    expect(parsePublish('[::1]:8000:80/tcp')).toEqual({hostIp: '::1', hostPort: '8000', containerPort: '80'})
    expect(imageRepository('docker.io/library/nginx:1.2@sha256:ab')).toBe('nginx')
    expect(parseContainerRun(['/usr/bin/ollama', 'run', 'x'])).toBeNull()
  })

  it('Compose files: arbitrary text is YAML or a one-line input error', () => {
    fc.assert(
      fc.property(text, (input) => {
        try {
          expect(Array.isArray(parseComposeFile(input, 'compose.yaml'))).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
        }
      }),
      {numRuns: 300},
    )
  })

  it('fstab, crypttab and faillock.conf', () => {
    fc.assert(
      fc.property(text, fc.string({maxLength: 60}), (input, path) => {
        const mounts = parseMounts(input)
        for (const m of mounts) expect(m.file.startsWith('/')).toBe(true)
        mountFor(mounts, `/${path}`)
        for (const c of parseCrypttab(input)) expect(typeof isEphemeral(c)).toBe('boolean')
        expect(parseSecurityConf(input)).toBeInstanceOf(Map)
      }),
      {numRuns: 300},
    )
  })

  it('sshd Include and PAM include loops end at their depth limit', async () => {
    const root = await buildRoot({
      '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config\nPermitRootLogin no\n',
      '/etc/pam.d/loop': '@include loop\nauth include loop\nauth required pam_faillock.so preauth\n',
    })
    try {
      const directives = await readSshdConfig(new RootReader(root), '/etc/ssh/sshd_config')
      expect(effectiveValue(directives, 'PermitRootLogin', DEFAULT_CONNECTION)?.value).toBe('no')
      expect(directives.length).toBeLessThanOrEqual(17)
      const stack = await readPamStack(new RootReader(root), 'loop', 'auth')
      expect(stack.length).toBeGreaterThan(0)
      expect(stack.length).toBeLessThan(1 << 18)
    } finally {
      await removeRoot(root)
    }
  })
})
