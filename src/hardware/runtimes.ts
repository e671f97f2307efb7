import {access} from 'node:fs/promises'

import {runTool} from '../core/exec.js'
import type {ListeningSocket} from '../network/index.js'
import {redactArgv, type ProcessInfo} from './processes.js'
import {RUNTIME_LIST, type RuntimeId} from './runtimes.catalog.js'

export interface InferenceRuntime {
  kind: RuntimeId
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

/** Which catalog runtime a process is, if any (signatures are tried in catalog order). */
export function classifyProcess(process: Pick<ProcessInfo, 'comm' | 'argv'>): RuntimeId | null {
  const joined = process.argv.join(' ')
  for (const runtime of RUNTIME_LIST) {
    const {comm, argv} = runtime.process
    if (comm?.test(process.comm) || (joined && argv?.test(joined))) return runtime.id
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
