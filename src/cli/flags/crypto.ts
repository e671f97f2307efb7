import {Flags} from '@oclif/core'

import {outputFlag} from './output.js'

/** Flags `encrypt` and `decrypt` share: key files, where the output goes, and the worker pool. */
export function cryptoFlags(output: string) {
  return {
    'key-file': Flags.string({
      description: 'Raw 32-byte key file, e.g. from a KMS or Vault (repeatable).',
      multiple: true,
    }),
    output: outputFlag(output),
    force: Flags.boolean({description: 'Replace existing output files (never the input itself).'}),
    mode: Flags.string({
      description:
        'Octal mode of the files written [default: 0644 minus the umask]; never taken from the input. Setuid, setgid, sticky and world-write are refused.',
    }),
    workers: Flags.integer({
      description:
        'Worker threads besides the main one, which works too; about 40 MB each [default: one fewer than the cores, at most 2].',
      min: 0,
      max: 64,
    }),
  }
}
