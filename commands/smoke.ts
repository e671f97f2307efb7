import {Errors, Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {endpointFlags, ggufFlags} from '../src/cli/flags/endpoint.js'
import {renderSmoke} from '../src/cli/render/smoke.js'
import {exitCodeFor, runSmoke, type SmokeRun} from '../src/inference/index.js'

export default class Smoke extends LlmsecCommand<typeof Smoke> {
  static override description =
    'Check that an inference endpoint (or a local GGUF) still serves, and probe it for common exposures: missing auth, unguarded routes, Ollama management, CORS, metrics, known-vulnerable versions, system-prompt leaks and limits; --prompts adds prompt-injection and leakage families with attack success rates'
  static override examples = [
    '<%= config.bin %> smoke --endpoint http://127.0.0.1:8000 --api-key $VLLM_KEY',
    '<%= config.bin %> smoke --endpoint http://127.0.0.1:11434 --json',
    '<%= config.bin %> smoke --gguf ./models/stories260K.gguf',
    '<%= config.bin %> smoke --endpoint http://127.0.0.1:8000 --prompts --samples 10 --temperature 0.7',
    '<%= config.bin %> smoke   # endpoints from llmsec.yaml',
  ]
  static override flags = {
    ...endpointFlags,
    ...ggufFlags,
    seed: Flags.integer({description: 'Seed of the canary secret [default: random].', min: 0}),
    burst: Flags.integer({description: 'Requests in the limits.rate burst.', min: 1, max: 100, default: 20}),
    prompts: Flags.boolean({
      description:
        'Also run the prompt-security families (system-prompt extraction, goal hijack, indirect injection, Unicode smuggling, markdown exfiltration, context leakage, refusal bypass).',
    }),
    samples: Flags.integer({
      description: 'With --prompts: samples of each prompt.',
      min: 1,
      max: 50,
      default: 5,
    }),
    temperature: Flags.custom<number>({
      description: 'With --prompts: sampling temperature (0 to 2; at 0 the samples are not independent).',
      default: 0.7,
      async parse(input) {
        const value = Number(input)
        if (!/^\d+(\.\d+)?$/.test(input) || value > 2) throw new Errors.CLIError(`${input} is not a number from 0 to 2`)
        return value
      },
    })(),
    timeout: durationFlag({
      description: 'Per-request timeout.',
      bareUnit: 's',
      min: 1000,
      max: 600_000,
      default: 60_000,
    }),
  }

  async run(): Promise<SmokeRun> {
    const {config} = await this.config_()
    const flags = this.flags
    const target = {
      endpoint: flags.endpoint,
      gguf: flags.gguf,
      apiKey: flags['api-key'],
      model: flags.model,
      timeoutMs: flags.timeout,
      insecure: flags.insecure,
      config,
      env: process.env,
    }
    const result = await runSmoke(target, {
      onProgress: this.progress(),
      seed: flags.seed,
      burst: flags.burst,
      prompts: flags.prompts ? {samples: flags.samples, temperature: flags.temperature} : undefined,
      gpu: flags.gpu,
      threads: flags.threads,
    })
    this.render(renderSmoke(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
