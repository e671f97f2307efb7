import {describe, expect, it} from 'vitest'

import {classifyProcess, findRuntimes, redactArgv} from '../../../src/hardware/index.js'
import type {ListeningSocket} from '../../../src/network/index.js'

const proc = (pid: number, comm: string, argv: string[]) => ({pid, comm, argv, uid: 1000})

describe('classifyProcess', () => {
  it.each([
    ['ollama', ['/usr/local/bin/ollama', 'serve'], 'ollama'],
    ['python3', ['python3', '-m', 'vllm.entrypoints.openai.api_server', '--model', 'x'], 'vllm'],
    ['vllm', ['/opt/venv/bin/python', '/opt/venv/bin/vllm', 'serve', 'meta-llama/Llama-3-8B'], 'vllm'],
    ['llama-server', ['./llama-server', '-m', 'model.gguf'], 'llama.cpp'],
    ['python', ['python', '-m', 'llama_cpp.server', '--model', 'm.gguf'], 'llama-cpp-python'],
    ['python3', ['python3', '-m', 'sglang.launch_server', '--model-path', 'm'], 'sglang'],
    ['jupyter-lab', ['/usr/bin/python3', '/usr/local/bin/jupyter-lab', '--ip=0.0.0.0'], 'jupyter'],
    ['python3', ['python3', '/usr/local/bin/jupyter', 'notebook'], 'jupyter'],
    ['gunicorn', ['gunicorn', '-b', '127.0.0.1:5000', 'mlflow.server:app'], 'mlflow'],
    ['python3', ['python3', '/usr/local/bin/mlflow', 'server', '--host', '0.0.0.0'], 'mlflow'],
    ['python3', ['python3', '/usr/local/bin/gradio', 'app.py'], 'gradio'],
    ['python3', ['python3', '/usr/local/bin/open-webui', 'serve'], 'open-webui'],
    ['qdrant', ['./qdrant', '--config-path', 'c.yaml'], 'qdrant'],
    ['milvus', ['milvus', 'run', 'standalone'], 'milvus'],
    ['python3', ['python3', '/usr/local/bin/chroma', 'run', '--path', '/data'], 'chroma'],
    ['weaviate', ['/bin/weaviate', '--host', '0.0.0.0', '--port', '8080'], 'weaviate'],
    ['python3', ['python3', '/usr/local/bin/litellm', '--config', 'c.yaml'], 'litellm'],
    ['dcgm-exporter', ['/usr/bin/dcgm-exporter', '-f', 'counters.csv'], 'dcgm-exporter'],
    ['LM Studio', ['/opt/LM Studio/lm-studio'], 'lm-studio'],
    ['text-generation', ['text-generation-launcher', '--model-id', 'x'], 'tgi'],
    ['tritonserver', ['tritonserver', '--model-repository=/models'], 'triton'],
    ['raylet', ['/usr/lib/python3/dist-packages/ray/core/src/ray/raylet/raylet'], 'ray'],
    ['local-ai', ['/usr/bin/local-ai', 'run'], 'localai'],
  ])('%s %j is %s', (comm, argv, kind) => {
    expect(classifyProcess({comm, argv})).toBe(kind)
  })

  it.each([
    ['bash', ['bash']],
    ['node', ['node', 'server.js']],
    ['python3', ['python3', 'train.py', '--out', 'vllm-notes.txt']],
    ['pip', ['pip', 'install', 'litellm', 'ollama', 'qdrant-client']],
    ['python3', ['python3', 'app.py', '--db', 'chroma', '--ui', 'gradio']],
    ['vim', ['vim', 'mlflow.txt']],
  ])('%s %j is not a runtime', (comm, argv) => {
    expect(classifyProcess({comm, argv})).toBeNull()
  })
})

describe('findRuntimes', () => {
  it('joins runtimes with their sockets and names the user', () => {
    const socket = (pid: number, address: string, port: number): ListeningSocket => ({
      protocol: 'tcp',
      address,
      port,
      loopback: address.startsWith('127.'),
      wildcard: address === '0.0.0.0',
      uid: 1000,
      inode: 1,
      pid,
      process: 'x',
    })
    const runtimes = findRuntimes(
      [
        proc(20, 'ollama', ['ollama', 'serve']),
        proc(10, 'bash', ['bash']),
        proc(30, 'python3', ['python3', '-m', 'vllm.entrypoints.openai.api_server', '--api-key', 'sk-secret']),
      ],
      [socket(20, '0.0.0.0', 11434), socket(30, '127.0.0.1', 8000), socket(10, '0.0.0.0', 22)],
      new Map([[1000, 'llm']]),
    )
    expect(runtimes.map((r) => [r.kind, r.pid, r.user])).toEqual([
      ['ollama', 20, 'llm'],
      ['vllm', 30, 'llm'],
    ])
    expect(runtimes[0].listening).toEqual([{address: '0.0.0.0', port: 11434, protocol: 'tcp'}])
    expect(runtimes[1].command).not.toContain('sk-secret')
  })
})

describe('redactArgv', () => {
  it('hides values of secret flags in both forms', () => {
    expect(redactArgv(['serve', '--api-key', 'abc', '--token=xyz', '--port', '8000'])).toEqual([
      'serve',
      '--api-key',
      '***',
      '--token=***',
      '--port',
      '8000',
    ])
  })
})
