import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {endpointFlags, ggufFlags} from '../src/cli/flags/endpoint.js'
import {outputFlag} from '../src/cli/flags/output.js'
import {renderBench} from '../src/cli/render/bench.js'
import {writeFileAtomic} from '../src/core/fs.js'
import {exitCodeFor, runBench, type BenchResult} from '../src/inference/index.js'

export default class Bench extends LlmsecCommand<typeof Bench> {
  static override description =
    'Benchmark an inference endpoint (or a local GGUF): TTFT, inter-token latency, TPOT, end-to-end latency percentiles, throughput and goodput'
  static override examples = [
    '<%= config.bin %> bench --endpoint http://127.0.0.1:8000 --concurrency 1,4,16 --requests 200',
    '<%= config.bin %> bench --endpoint http://127.0.0.1:8000 --rate 2,8 --duration 60s --slo ttft=500,tpot=50',
    '<%= config.bin %> bench --endpoint http://127.0.0.1:8000 --rate 16 --burstiness 0.5 --max-concurrency 32 --warmup 8',
    '<%= config.bin %> bench --endpoint http://127.0.0.1:11434 --tokenizer ./models/llama-3-8b.gguf',
    '<%= config.bin %> bench --gguf ./models/stories260K.gguf --input-tokens 64 --output-tokens 64 --output result.json',
  ]
  static override flags = {
    ...endpointFlags,
    ...ggufFlags,
    concurrency: Flags.string({
      description: 'Closed loop: comma-separated client counts, one level each [default: 1].',
    }),
    rate: Flags.string({
      description: 'Open loop: comma-separated request rates (req/s; `inf` sends every request at once).',
    }),
    burstiness: Flags.string({
      description: 'Open loop: gamma shape of the arrival gaps; 1 is Poisson, lower is burstier [default: 1].',
    }),
    'max-concurrency': Flags.integer({
      description: 'Open loop: at most this many requests in flight.',
      min: 1,
      max: 4096,
    }),
    warmup: Flags.integer({
      description: 'Requests sent before each level is timed [default: one per concurrent slot].',
      min: 0,
      max: 10_000,
    }),
    tokenizer: Flags.string({
      description: 'A GGUF file whose tokenizer counts output tokens when the server sends no usage block.',
    }),
    requests: Flags.integer({
      description: 'At most this many requests per level.',
      min: 1,
      max: 1_000_000,
      default: 100,
    }),
    duration: durationFlag({
      description: 'At most this long per level.',
      bareUnit: 's',
      min: 1000,
      max: 86_400_000,
      default: 120_000,
    }),
    'input-tokens': Flags.integer({
      description: 'Prompt length in tokens (approximate).',
      min: 1,
      max: 1_000_000,
      default: 128,
    }),
    'output-tokens': Flags.integer({description: 'max_tokens of each request.', min: 1, max: 1_000_000, default: 128}),
    seed: Flags.integer({description: 'Seed for prompts and arrival times.', min: 0, default: 0}),
    slo: Flags.string({description: 'Goodput objectives in ms, e.g. ttft=500,tpot=50[,e2e=10000].'}),
    'ignore-eos': Flags.boolean({description: 'Send ignore_eos (vLLM) so every answer has --output-tokens tokens.'}),
    output: outputFlag('Also write the JSON result to this file (atomically).'),
    timeout: durationFlag({
      description: 'Per-request timeout.',
      bareUnit: 's',
      min: 1000,
      max: 3_600_000,
      default: 300_000,
    }),
  }

  async run(): Promise<BenchResult> {
    const f = this.flags
    const result = await runBench({
      endpoint: f.endpoint,
      gguf: f.gguf,
      apiKey: f['api-key'],
      model: f.model,
      concurrency: f.concurrency,
      rate: f.rate,
      burstiness: f.burstiness,
      maxConcurrency: f['max-concurrency'],
      warmup: f.warmup,
      tokenizer: f.tokenizer,
      requests: f.requests,
      durationMs: f.duration,
      inputTokens: f['input-tokens'],
      outputTokens: f['output-tokens'],
      seed: f.seed,
      slo: f.slo,
      ignoreEos: f['ignore-eos'],
      gpu: f.gpu,
      threads: f.threads,
      timeoutMs: f.timeout,
      insecure: f.insecure,
      onProgress: this.progress(),
    })
    if (f.output) await writeFileAtomic(resolve(f.output), `${JSON.stringify(result, null, 2)}\n`)
    this.render(renderBench(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
