import {runPromptFamilies} from '../prompt-security/run-families.js'
import type {SmokeCheck} from '../inference.types.js'
import {askEndpoint} from './canary-leak.js'
import type {ProbeContext} from './probe-context.js'

/** Answer length of a prompt-family request: enough for a summary plus a code or a link. */
export const PROMPT_FAMILY_MAX_TOKENS = 160

/** The prompt-security families (`smoke --prompts`) against an endpoint: one check per family. */
export function checkPromptFamilies(ctx: ProbeContext): Promise<SmokeCheck[]> {
  const prompts = ctx.prompts!
  return runPromptFamilies(
    (system, user) =>
      askEndpoint(
        ctx,
        [
          {role: 'system', content: system},
          {role: 'user', content: user},
        ],
        {maxTokens: PROMPT_FAMILY_MAX_TOKENS, temperature: prompts.temperature},
      ),
    {seed: ctx.seed, samples: prompts.samples, concurrency: prompts.concurrency, onProgress: ctx.onProgress},
  )
}
