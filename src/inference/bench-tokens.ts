import {LLAMA_CPP, VLLM} from '../hardware/index.js'
import {httpRequest} from './http-client.js'
import type {EndpointTarget, ServerKind, TokenSource} from './inference.types.js'
import {authHeaders, tryParseJson} from './openai-client.js'

/** Counts the tokens of a text after the fact, or says it cannot (null). */
export interface TokenCounter {
  source: Extract<TokenSource, 'tokenize' | 'gguf'>
  count(text: string): Promise<number | null>
}

/** The body of each server's /tokenize route: vLLM takes `prompt`, llama.cpp `content`. */
function tokenizeBody(kind: ServerKind, model: string | undefined, text: string): string | null {
  if (kind === VLLM.id) return JSON.stringify({model, prompt: text, add_special_tokens: false})
  if (kind === LLAMA_CPP.id) return JSON.stringify({content: text, add_special: false})
  return null
}

/**
 * The server's own tokenizer (`POST /tokenize`, vLLM and llama.cpp), used after a level for
 * streams that carried no usage block. The first refusal turns it off for the run.
 */
export function serverTokenCounter(target: EndpointTarget, kind: ServerKind): TokenCounter | null {
  if (tokenizeBody(kind, target.model, '') === null) return null
  let broken = false
  return {
    source: 'tokenize',
    async count(text) {
      const body = tokenizeBody(kind, target.model, text)
      if (broken || body === null) return null
      try {
        const res = await httpRequest(`${target.baseUrl}/tokenize`, {
          method: 'POST',
          headers: authHeaders(target),
          body,
          timeoutMs: target.timeoutMs ?? 30_000,
          insecure: target.insecure,
        })
        const parsed = tryParseJson(res.body) as {tokens?: unknown; count?: unknown} | undefined
        const count =
          typeof parsed?.count === 'number' ? parsed.count : Array.isArray(parsed?.tokens) ? parsed.tokens.length : null
        if (res.status !== 200 || count === null) broken = true
        return broken ? null : count
      } catch {
        broken = true
        return null
      }
    },
  }
}
