import {Flags} from '@oclif/core'

/** Flags shared by `smoke` and `bench` for running a GGUF model in-process. */
export const ggufRuntimeFlags = {
  gpu: Flags.string({
    description: 'With --gguf: use a GPU when usable (auto) or never (cpu).',
    options: ['auto', 'cpu'],
    default: 'auto',
  }),
  threads: Flags.integer({
    description: 'With --gguf: CPU threads [default: half the logical cores].',
    min: 1,
    max: 1024,
  }),
}
