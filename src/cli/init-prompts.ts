import {existsSync} from 'node:fs'

import {checkbox, confirm, input} from '@inquirer/prompts'

import {coreError} from '../core/errors.js'
import type {Discovered, InitAnswers} from '../init/index.js'

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/

async function pickWithExtra(
  message: string,
  found: {value: string; name: string}[],
  extraMessage: string,
  check?: (v: string) => string | true,
): Promise<string[]> {
  const picked = found.length ? await checkbox({message, choices: found.map((f) => ({...f, checked: true}))}) : []
  const extra = await input({
    message: extraMessage,
    validate: (text) => {
      for (const item of splitList(text)) {
        const verdict = check?.(item) ?? true
        if (verdict !== true) return verdict
      }
      return true
    },
  })
  return [...new Set([...picked, ...splitList(extra)])]
}

/** Ctrl+C in a prompt is a cancelled command (exit 2), not a crash. */
async function cancellable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError')
      throw coreError('CANCELLED', 'llmsec init was cancelled; nothing was written.')
    throw error
  }
}

/** Asks for each part of llmsec.yaml, offering what was found. */
export function askInitAnswers(found: Discovered): Promise<InitAnswers> {
  return cancellable(() => askAll(found))
}

async function askAll(found: Discovered): Promise<InitAnswers> {
  const modelDirs = await pickWithExtra(
    'Model directories to audit',
    found.modelDirs.map((d) => ({value: d, name: d})),
    'Other model directories (comma-separated, empty for none)',
    (d) => (d.startsWith('/') || d.startsWith('~/') ? true : `${d}: use an absolute path`),
  )
  const endpoints = await pickWithExtra(
    'Inference endpoints to probe',
    found.endpoints.map((e) => ({value: e.url, name: `${e.url} (${e.runtime}, ${e.from})`})),
    'Other endpoint URLs (comma-separated, empty for none)',
    (u) => (/^https?:\/\//.test(u) ? true : `${u}: must start with http:// or https://`),
  )
  const rulesets = await checkbox({
    message: 'Rulesets for llmsec audit',
    choices: found.rulesets.map((id) => ({value: id, name: id, checked: id === 'baseline'})),
    required: true,
  })
  const publicKey = await input({
    message: 'Signing public key or trust root (PEM file, empty for none)',
    validate: (p) => (!p.trim() || existsSync(p.trim()) ? true : `${p.trim()} does not exist`),
  })
  const egress = await input({
    message: 'Egress allowlist (host:port, comma-separated, empty for none)',
    validate: (text) => {
      const bad = splitList(text).find((h) => !HOST_PORT.test(h))
      return bad ? `${bad}: expected host:port` : true
    },
  })
  return {modelDirs, endpoints, rulesets, publicKey: publicKey.trim() || undefined, egressAllow: splitList(egress)}
}

export function confirmOverwrite(file: string): Promise<boolean> {
  return cancellable(() => confirm({message: `${file} exists. Overwrite it?`, default: false}))
}
