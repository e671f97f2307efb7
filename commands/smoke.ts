import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {ggufRuntimeFlags} from '../src/cli/gguf-flags.js'
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
    endpoint: Flags.string({description: 'Base URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8000).'}),
    'api-key': Flags.string({description: 'API key sent as a Bearer token.', env: 'LLMSEC_API_KEY'}),
    model: Flags.string({description: 'Model name to request [default: the first one /v1/models lists].'}),
    gguf: Flags.string({
      description: 'Run a GGUF model in-process with node-llama-cpp instead of calling an endpoint.',
    }),
    ...ggufRuntimeFlags,
    seed: Flags.integer({description: 'Seed of the canary secret [default: random].', min: 0}),
    burst: Flags.integer({description: 'Requests in the limits.rate burst.', min: 1, max: 100, default: 20}),
    timeout: Flags.integer({description: 'Per-request timeout in seconds.', min: 1, max: 600, default: 60}),
    insecure: Flags.boolean({description: 'Accept an invalid TLS certificate (transport.tls still reports it).'}),
  }

  async run(): Promise<SmokeRun> {
    const {config} = await this.config_()
    const flags = this.flags
    const target = {
      endpoint: flags.endpoint,
      gguf: flags.gguf,
      apiKey: flags['api-key'],
      model: flags.model,
      timeoutMs: flags.timeout * 1000,
      insecure: flags.insecure,
      config,
      env: process.env,
    }
    const result = await runSmoke(target, {
      onProgress: this.progress(),
      seed: flags.seed,
      burst: flags.burst,
      gpu: flags.gpu as 'auto' | 'cpu',
      threads: flags.threads,
    })
    this.render(renderSmoke(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
