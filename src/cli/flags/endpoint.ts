import {Flags} from '@oclif/core'

/** How `smoke` and `bench` reach an OpenAI-compatible endpoint. */
export const endpointFlags = {
  endpoint: Flags.string({
    description: 'Base URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8000); the only host contacted.',
  }),
  'api-key': Flags.string({description: 'API key sent as a Bearer token.', env: 'LLMSEC_API_KEY'}),
  model: Flags.string({description: 'Model name to request [default: the first one /v1/models lists].'}),
  insecure: Flags.boolean({
    description: 'Accept an invalid TLS certificate (smoke still reports it as transport.tls).',
  }),
}

/** How `smoke` and `bench` run a GGUF model in-process instead. */
export const ggufFlags = {
  gguf: Flags.string({description: 'Run a GGUF model in-process with node-llama-cpp instead of calling an endpoint.'}),
  gpu: Flags.option({
    description: 'With --gguf: use a GPU when usable (auto) or never (cpu).',
    options: ['auto', 'cpu'] as const,
    default: 'auto',
  })(),
  threads: Flags.integer({
    description: 'With --gguf: CPU threads [default: half the logical cores].',
    min: 1,
    max: 1024,
  }),
}
