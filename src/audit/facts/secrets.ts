import {posix} from 'node:path'

import type {FactProvider} from './cache.js'
import type {SecretFile} from './fact-map.js'
import {expandHome} from '../../core/root-path.js'
import {RootReader} from './rootfs.js'

/** Token and key files that runtimes and hubs write into home directories. */
const HOME_SECRET_FILES: [string, string][] = [
  ['~/.cache/huggingface/token', 'Hugging Face token'],
  ['~/.huggingface/token', 'Hugging Face token (legacy path)'],
  ['~/.cache/huggingface/stored_tokens', 'Hugging Face stored tokens'],
  ['~/.ollama/id_ed25519', 'Ollama private key'],
  ['/usr/share/ollama/.ollama/id_ed25519', 'Ollama private key'],
  ['~/.config/openai/credentials', 'OpenAI credentials'],
]

/**
 * Files that hold secrets: hub tokens in home directories, and environment files of inference
 * services (EnvironmentFile= and .env in their working directory).
 */
export const secretsProvider: FactProvider<'secrets'> = {
  id: 'secrets',
  async gather(env, facts) {
    const reader = new RootReader(env.root)
    const {homes, unreadable: users} = await facts.get('users')
    reader.note(...users)
    const candidates = new Map<string, string>()
    for (const [pattern, kind] of HOME_SECRET_FILES)
      for (const path of expandHome(pattern, homes)) candidates.set(path, kind)
    const {units, unreadable: systemd} = await facts.get('systemd')
    reader.note(...systemd)
    const services = await facts.get('inference')
    for (const service of services.filter((s) => s.source === 'unit')) {
      const unit = units.find((u) => u.path === service.location)
      for (const file of unit?.environmentFiles ?? []) candidates.set(file, `environment file of ${unit?.name}`)
      const workdir = unit?.sections.Service?.WorkingDirectory?.at(-1)?.replace(/^-/, '')
      const dirs = [workdir, service.args[0] ? posix.dirname(service.args[0]) : undefined]
      for (const dir of dirs)
        if (dir?.startsWith('/')) candidates.set(posix.join(dir, '.env'), `.env next to ${unit?.name}`)
    }
    const files: SecretFile[] = []
    for (const [path, kind] of candidates) {
      const info = await reader.stat(path)
      if (info?.isFile()) files.push({path, kind, mode: info.mode, uid: info.uid})
    }
    return {files: files.sort((a, b) => a.path.localeCompare(b.path)), unreadable: reader.unreadable}
  },
}
