import {access} from 'node:fs/promises'

import {runTool} from '../core/exec.js'
import type {ListeningSocket} from '../network/index.js'
import {redactArgv, type ProcessInfo} from './processes.js'

export type RuntimeKind = 'ollama' | 'vllm' | 'llama.cpp' | 'tgi' | 'triton' | 'ray' | 'lm-studio' | 'localai'

export interface InferenceRuntime {
  kind: RuntimeKind
  pid: number
  user: string | null
  uid: number | null
  /** Command line with secret-looking flag values replaced by ***. */
  command: string
  listening: {address: string; port: number; protocol: string}[]
}

export interface ContainerTooling {
  tool: 'docker' | 'containerd' | 'nvidia-container-toolkit'
  installed: boolean
  version: string | null
}

/** How each runtime shows in a process list; tested against comm and the joined argv. */
const SIGNATURES: {kind: RuntimeKind; comm?: RegExp; argv?: RegExp}[] = [
  {kind: 'ollama', comm: /^ollama$/, argv: /(^|\/)ollama(\s|$)/},
  {kind: 'vllm', argv: /(^|[\s/])vllm(\s+serve|\.entrypoints)|-m\s+vllm\b/},
  {kind: 'llama.cpp', comm: /^llama-server$/, argv: /(^|\/)llama-server(\s|$)|llama_cpp\.server/},
  {kind: 'tgi', comm: /^text-generation/, argv: /text-generation-(launcher|router|server)/},
  {kind: 'triton', comm: /^tritonserver$/, argv: /(^|\/)tritonserver(\s|$)/},
  {
    kind: 'ray',
    comm: /^(raylet|gcs_server)$/,
    argv: /(^|\/)ray\s+start\b|ray\/dashboard|(^|\/)(raylet|gcs_server)(\s|$)/,
  },
  {kind: 'lm-studio', comm: /^(lm-studio|LM Studio)$/i, argv: /lm-studio|LM Studio|(^|\/)lms\s+server/i},
  {kind: 'localai', comm: /^local-ai$/, argv: /(^|\/)local-ai(\s|$)/},
]

/** Which inference runtime a process is, if any. */
export function classifyProcess(process: Pick<ProcessInfo, 'comm' | 'argv'>): RuntimeKind | null {
  const joined = process.argv.join(' ')
  for (const signature of SIGNATURES) {
    if (signature.comm?.test(process.comm) || (joined && signature.argv?.test(joined))) return signature.kind
  }
  return null
}

/** Finds running inference runtimes and joins them with the sockets they listen on. */
export function findRuntimes(
  processes: ProcessInfo[],
  sockets: ListeningSocket[],
  users: Map<number, string>,
): InferenceRuntime[] {
  const runtimes: InferenceRuntime[] = []
  for (const process of processes) {
    const kind = classifyProcess(process)
    if (!kind) continue
    runtimes.push({
      kind,
      pid: process.pid,
      uid: process.uid,
      user: process.uid === null ? null : (users.get(process.uid) ?? String(process.uid)),
      command: redactArgv(process.argv.length > 0 ? process.argv : [process.comm]).join(' '),
      listening: sockets
        .filter((s) => s.pid === process.pid)
        .map((s) => ({address: s.address, port: s.port, protocol: s.protocol})),
    })
  }
  return runtimes.sort((a, b) => a.pid - b.pid)
}

async function versionOf(command: string, args: string[]): Promise<{installed: boolean; version: string | null}> {
  const result = await runTool(command, args, {timeoutMs: 3000})
  if (result.status === 'missing') return {installed: false, version: null}
  const match = /\d+\.\d+(\.\d+)?[\w.+-]*/.exec(result.stdout || result.stderr)
  return {installed: true, version: match ? match[0] : null}
}

/** Docker, containerd and the NVIDIA container toolkit, with client versions (no daemon calls). */
export async function collectContainerTooling(): Promise<ContainerTooling[]> {
  const [docker, containerd, ctk, ctkConfig] = await Promise.all([
    versionOf('docker', ['--version']),
    versionOf('containerd', ['--version']),
    versionOf('nvidia-ctk', ['--version']),
    access('/etc/nvidia-container-runtime/config.toml').then(
      () => true,
      () => false,
    ),
  ])
  return [
    {tool: 'docker', ...docker},
    {tool: 'containerd', ...containerd},
    {tool: 'nvidia-container-toolkit', installed: ctk.installed || ctkConfig, version: ctk.version},
  ]
}
