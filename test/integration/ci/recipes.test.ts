import {existsSync} from 'node:fs'
import {cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {repoRoot, runCli} from '../../helpers/cli.js'
import {dockerArchive, tarOf} from '../../helpers/image-archive.js'
import {safetensorsBytes} from '../../helpers/rootfs.js'

/**
 * docs/ci.md's recipes, run as written: every `llmsec …` command of its GitHub Actions and GitLab
 * CI jobs and shell blocks, verbatim, in a working directory laid out as the recipes expect (the
 * image archive `docker save` would write, a signed model checked out with LFS, a waivers file, a
 * results directory). A recipe that drifts from the CLI (a renamed flag, an output file the upload
 * step names that is not written) fails here.
 */

/** Every string in a parsed YAML document (run: and script: entries among them). */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node)
  else if (Array.isArray(node)) for (const item of node) strings(item, out)
  else if (node && typeof node === 'object') for (const value of Object.values(node)) strings(value, out)
  return out
}

/** The llmsec commands of the document's yaml and sh blocks, in order, with the block they came from. */
function recipeCommands(markdown: string): {block: string; command: string}[] {
  const out: {block: string; command: string}[] = []
  for (const [, lang, body] of markdown.matchAll(/^```(yaml|sh)\n([\s\S]*?)^```/gm)) {
    const lines = lang === 'yaml' ? strings(parse(body)).flatMap((s) => s.trim().split('\n')) : body.trim().split('\n')
    const block = lang === 'yaml' ? Object.keys(parse(body) as object).join(',') : 'sh'
    for (const line of lines) if (line.trim().startsWith('llmsec ')) out.push({block, command: line.trim()})
  }
  return out
}

/** A command line split as a shell would for these recipes: words, "quotes", $VARS, `*` in a last segment, `>>`. */
async function argv(command: string, cwd: string, env: Record<string, string>) {
  const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) =>
    (m[1] ?? m[2]).replace(/\$(\w+)/g, (_, name: string) => env[name] ?? ''),
  )
  const at = words.findIndex((w) => w === '>>' || w === '>')
  const append = at >= 0 ? words[at + 1] : null
  const expanded: string[] = []
  for (const word of (at >= 0 ? words.slice(0, at) : words).slice(1)) {
    const star = /^(.*\/)?([^/]*\*[^/]*)$/.exec(word)
    if (!star) {
      expanded.push(word)
      continue
    }
    const dir = star[1] ?? ''
    const pattern = new RegExp(`^${star[2].replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`)
    const names = (await readdir(join(cwd, dir))).filter((n) => pattern.test(n)).sort()
    expanded.push(...names.map((n) => `${dir}${n}`))
  }
  return {args: expanded, append}
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

describe('docs/ci.md: every llmsec command of the recipes runs verbatim against fixtures', () => {
  let cwd: string
  const env: Record<string, string> = {}
  let commands: {block: string; command: string}[]

  beforeAll(async () => {
    commands = recipeCommands(await readFile(join(repoRoot, 'docs', 'ci.md'), 'utf8'))
    cwd = await mkdtemp(join(tmpdir(), 'llmsec-ci-recipes-'))
    env.GITHUB_STEP_SUMMARY = join(cwd, 'step-summary.md')
    // The image `docker save` writes: a Debian-like root with accounts and one model.
    const layer = tarOf([
      {path: 'etc/', type: 'Directory'},
      {path: 'etc/os-release', data: 'ID=debian\nVERSION_ID="12"\n'},
      {path: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/bash\nllm:x:1000:1000::/home/llm:/bin/sh\n'},
      {path: 'etc/group', data: 'root:x:0:\nshadow:x:42:\nllm:x:1000:\n'},
      {path: 'etc/shadow', data: 'root:*:19000:0:99999:7:::\nllm:!:19000:0:99999:7:::\n', mode: 0o640, gid: 42},
      {path: 'srv/', type: 'Directory'},
      {path: 'srv/models/', type: 'Directory'},
      {path: 'srv/models/model.safetensors', data: safetensorsBytes()},
    ])
    await writeFile(join(cwd, 'image.tar'), dockerArchive({layers: [layer], tags: ['ghcr.io/acme/llm-host:1']}).tar)
    // The model directory as checked out with LFS, signed by the release key.
    const model = join(cwd, 'models', 'llama-ft')
    await mkdir(model, {recursive: true})
    await writeFile(join(model, 'model.safetensors'), safetensorsBytes())
    await writeFile(join(model, 'config.json'), '{"architectures": ["LlamaForCausalLM"]}\n')
    const keys = await runCli(['keys', 'generate', '--output', join(cwd, 'signer')])
    expect(keys.exitCode, keys.stderr).toBe(0)
    await mkdir(join(cwd, 'keys'))
    await cp(join(cwd, 'signer', 'public.pem'), join(cwd, 'keys', 'release-signer.pub'))
    const signed = await runCli(['sign', model, '--key', join(cwd, 'signer', 'private.pem')])
    expect(signed.exitCode, signed.stderr).toBe(0)
    const waivers = `waivers:
  - rule: baseline.models-signed
    justification: the model is verified in the check-model job before it is copied into the image
    approver: release@example.org
    created: ${day(-30)}
    expires: ${day(300)}
`
    await writeFile(join(cwd, '.llmsec-waivers.yaml'), waivers)
    // What the fleet job collected from two hosts.
    await mkdir(join(cwd, 'results'))
    for (const host of ['gpu-a', 'gpu-b']) {
      const run = await runCli(['audit', '--image', join(cwd, 'image.tar'), '--json'], {cwd})
      await writeFile(join(cwd, 'results', `${host}.json`), run.stdout)
    }
  }, 180_000)
  afterAll(() => rm(cwd, {recursive: true, force: true}))

  it('finds the commands of each recipe (GitHub audit and model check, GitLab, fleet)', () => {
    const verbs = commands.map((c) => c.command.split(/\s+/)[1])
    expect(verbs.filter((v) => v === 'audit')).toHaveLength(2)
    expect(verbs.filter((v) => v === 'scan')).toHaveLength(2)
    expect(verbs.filter((v) => v === 'verify')).toHaveLength(2)
    expect(verbs.filter((v) => v === 'report')).toHaveLength(2)
    // A recipe that passes an incomplete audit signs off on rules nobody checked.
    expect(commands.filter((c) => c.command.includes('--allow-incomplete'))).toEqual([])
  })

  it('each command runs as written: audits end in findings or success, never bad usage, a bug or incomplete', async () => {
    for (const {block, command} of commands) {
      await rm(join(cwd, 'llmsec-report'), {recursive: true, force: true})
      const {args, append} = await argv(command, cwd, env)
      const run = await runCli(args, {cwd, timeoutMs: 120_000})
      const seen = `${block}: ${command}\n${run.stderr}`
      if (args[0] === 'audit') expect([0, 1], seen).toContain(run.exitCode)
      else expect(run.exitCode, seen).toBe(0)
      if (append) await writeFile(resolve(cwd, append), run.stdout, {flag: 'a'})
      // The files the recipe's upload steps name are written.
      const outputDir = args.indexOf('--output-dir')
      if (outputDir >= 0) {
        const formats = args.flatMap((a, i) => (args[i - 1] === '--format' ? [a] : []))
        const extension = {sarif: 'sarif', junit: 'junit.xml', markdown: 'md', html: 'html', json: 'json'}
        for (const format of formats) {
          const file = join(cwd, args[outputDir + 1], `llmsec-audit.${extension[format as keyof typeof extension]}`)
          expect(existsSync(file), `${seen}\nmissing ${file}`).toBe(true)
        }
      }
      const output = args.indexOf('--output')
      if (output >= 0) expect(existsSync(join(cwd, args[output + 1])), seen).toBe(true)
    }
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('llmsec')
  }, 600_000)

  it('the model job fails when the checkout has LFS pointers instead of the model (no lfs: true)', async () => {
    const model = join(cwd, 'models', 'llama-ft', 'model.safetensors')
    const real = await readFile(model)
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'0'.repeat(64)}\nsize ${real.length}\n`
    await writeFile(model, pointer)
    try {
      for (const {command} of commands.filter((c) => / (scan|verify) /.test(c.command))) {
        const {args} = await argv(command, cwd, env)
        const run = await runCli(args, {cwd})
        expect(run.exitCode, `${command}\n${run.stdout}\n${run.stderr}`).toBe(1)
      }
    } finally {
      await writeFile(model, real)
    }
  }, 120_000)
})
