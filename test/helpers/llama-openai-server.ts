import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {loadGguf, type GgufRunner} from '../../src/inference/index.js'

/**
 * A small OpenAI-compatible server backed by node-llama-cpp (real inference on a GGUF),
 * with optional Bearer auth on every route. Listens on 127.0.0.1, random port.
 */
export interface LlamaServer {
  url: string
  runner: GgufRunner
  close(): Promise<void>
}

interface ChatBody {
  messages?: {role?: string; content?: string}[]
  max_tokens?: number
  stream?: boolean
  stream_options?: {include_usage?: boolean}
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
  res.end(text)
}

function promptOf(body: ChatBody): string {
  const lines = (body.messages ?? []).map(
    (m) => `${m.role === 'system' ? 'System' : m.role === 'assistant' ? 'Assistant' : 'User'}: ${m.content ?? ''}`,
  )
  return `${lines.join('\n')}\nAssistant:`
}

async function chat(runner: GgufRunner, body: ChatBody, res: http.ServerResponse, maxContext: number) {
  const maxTokens = body.max_tokens ?? 32
  if (maxTokens > maxContext)
    return send(res, 400, {error: {message: `max_tokens exceeds the context (${maxContext})`}})
  const prompt = promptOf(body)
  if (!body.stream) {
    const out = await runner.generate(prompt, {maxTokens})
    const usage = {
      prompt_tokens: out.promptTokens,
      completion_tokens: out.tokens,
      total_tokens: out.promptTokens + out.tokens,
    }
    return send(res, 200, {
      object: 'chat.completion',
      model: runner.modelName,
      choices: [{index: 0, message: {role: 'assistant', content: out.text}, finish_reason: 'stop'}],
      usage,
    })
  }
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
  const out = await runner.generate(prompt, {
    maxTokens,
    onToken: (text) =>
      res.write(
        `data: ${JSON.stringify({object: 'chat.completion.chunk', choices: [{index: 0, delta: {content: text}}]})}\n\n`,
      ),
  })
  if (body.stream_options?.include_usage) {
    const usage = {
      prompt_tokens: out.promptTokens,
      completion_tokens: out.tokens,
      total_tokens: out.promptTokens + out.tokens,
    }
    res.write(`data: ${JSON.stringify({object: 'chat.completion.chunk', choices: [], usage})}\n\n`)
  }
  res.end('data: [DONE]\n\n')
}

export async function startLlamaServer(modelPath: string, options: {apiKey?: string} = {}): Promise<LlamaServer> {
  const runner = await loadGguf(modelPath, {gpu: 'cpu', threads: 1, contextSize: 1024})
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(res, 401, {error: {message: 'invalid api key'}})
    }
    if (path === '/v1/models' && req.method === 'GET') {
      return send(res, 200, {object: 'list', data: [{id: runner.modelName, object: 'model'}]})
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      let body: ChatBody
      try {
        body = JSON.parse(raw) as ChatBody
      } catch {
        return send(res, 400, {error: {message: 'invalid JSON'}})
      }
      return chat(runner, body, res, 1024)
    }
    send(res, 404, {error: {message: 'not found'}})
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, {error: {message: String(error)}})
        else res.end()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    runner,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await runner.close()
    },
  }
}
