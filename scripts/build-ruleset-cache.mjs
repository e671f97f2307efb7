// Writes dist/rulesets.cache.json, the built-in rulesets resolved and validated once at build time
// (src/audit/ruleset-cache.ts says when an audit uses it). Run by `npm run build`, after tsc.
import {stderr} from 'node:process'

import {writeRulesetCache} from '../dist/src/audit/ruleset-cache-write.js'

const {cached, skipped} = await writeRulesetCache()
stderr.write(`ruleset cache: ${cached.length} built-in rulesets\n`)
for (const why of skipped) stderr.write(`ruleset cache: left out ${why}\n`)
