#!/usr/bin/env node
import {argv, stdout} from 'node:process'

import {execute, settings} from '@oclif/core'

// The installed CLI runs the compiled dist/ only, also when NODE_ENV is test or development
// (bin/dev.js is the entry that runs the TypeScript sources).
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})

// `llmsec --version` also names the rules and advisory data versions (oclif prints the first line).
if (argv[2] === '--version') {
  const {dataVersionLines} = await import('../dist/src/cli/version.js')
  for (const line of await dataVersionLines()) stdout.write(`${line}\n`)
}
