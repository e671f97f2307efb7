#!/usr/bin/env node
import {execute, settings} from '@oclif/core'

// The installed CLI runs the compiled dist/ only, also when NODE_ENV is test or development
// (bin/dev.js is the entry that runs the TypeScript sources).
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
