import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {endpointFlags, ggufFlags} from '../src/cli/flags/endpoint.js'
import {renderSmoke} from '../src/cli/render/smoke.js'
import {exitCodeFor, runSmoke, type SmokeRun} from '../src/inference/index.js'

export default class Smoke extends LlmsecCommand<typeof Smoke> {
  static override description =
    'Check that an inference endpoint (or a local GGUF) still serves, and probe it for common exposures: missing auth, unguarded routes, Ollama management, CORS, metrics, known-vulnerable versions, system-prompt leaks and limits'
  static override examples = [
    '<%= config.bin %> smoke --endpoint http://127.0.0.1:8000 --api-key $VLLM_KEY',
    '<%= config.bin %> smoke --endpoint http://127.0.0.1:11434 --json',
    '<%= config.bin %> smoke --gguf ./models/stories260K.gguf',
    '<%= config.bin %> smoke   # endpoints from llmsec.yaml',
  ]
  static override flags = {
    ...endpointFlags,
    ...ggufFlags,
    seed: Flags.integer({description: 'Seed of the canary secret [default: random].', min: 0}),
    burst: Flags.integer({description: 'Requests in the limits.rate burst.', min: 1, max: 100, default: 20}),
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
      gpu: flags.gpu,
      threads: flags.threads,
    })
    this.render(renderSmoke(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
