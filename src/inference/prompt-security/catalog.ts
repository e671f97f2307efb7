import type {Severity} from '../../core/severity.js'
import contextLeakage from './families/context-leakage.json' with {type: 'json'}
import goalHijack from './families/goal-hijack.json' with {type: 'json'}
import indirectInjection from './families/indirect-injection.json' with {type: 'json'}
import markdownExfiltration from './families/markdown-exfiltration.json' with {type: 'json'}
import refusalBypass from './families/refusal-bypass.json' with {type: 'json'}
import systemPromptExtraction from './families/system-prompt-extraction.json' with {type: 'json'}
import unicodeSmuggling from './families/unicode-smuggling.json' with {type: 'json'}

/**
 * How an attack's success is judged: `secret` — a context secret comes back (raw or encoded);
 * `rogue` — the joined rogue code the attack asked for appears in the visible answer;
 * `exfil-link` — a markdown image or link carries the secret in its URL.
 */
type FamilyJudge = 'secret' | 'rogue' | 'exfil-link'

export interface FamilyAttack {
  id: string
  /** The user message template. */
  user: string
  /** Smuggled text put at `{{hidden}}`, encoded as tag characters or with zero-width characters. */
  hidden?: string
  encoding?: 'tags' | 'zero-width'
}

/** One prompt-security family: a system prompt, a positive control and attacks (a data file). */
export interface PromptFamily {
  id: string
  title: string
  owasp: string[]
  severity: Severity
  judge: FamilyJudge
  system: string
  /** An instruction a capable model follows; `expect` must appear (inside a markdown URL with `inLink`). */
  control: {user: string; expect: string; inLink?: boolean}
  attacks: FamilyAttack[]
}

const FILES: unknown[] = [
  systemPromptExtraction,
  goalHijack,
  indirectInjection,
  unicodeSmuggling,
  markdownExfiltration,
  contextLeakage,
  refusalBypass,
]

const SEVERITIES = new Set(['info', 'low', 'medium', 'high', 'critical'])
const JUDGES = new Set(['secret', 'rogue', 'exfil-link'])

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length < 4000
}

/** Checks a family file's shape once at load: a broken data file is a bug, not a silent pass. */
function checkFamily(value: unknown): PromptFamily {
  const f = value as PromptFamily
  const attacksOk =
    Array.isArray(f.attacks) &&
    f.attacks.length > 0 &&
    f.attacks.every(
      (a) => isString(a.id) && isString(a.user) && (a.hidden === undefined) === (a.encoding === undefined),
    )
  const ok =
    isString(f.id) &&
    isString(f.title) &&
    Array.isArray(f.owasp) &&
    f.owasp.every((o) => /^LLM\d\d$/.test(o)) &&
    SEVERITIES.has(f.severity) &&
    JUDGES.has(f.judge) &&
    isString(f.system) &&
    isString(f.control?.user) &&
    isString(f.control?.expect) &&
    attacksOk
  if (!ok) throw new Error(`prompt family data file ${String(f?.id)} is malformed`)
  return f
}

/** The prompt-security families, in report order. */
export const PROMPT_FAMILIES: readonly PromptFamily[] = FILES.map(checkFamily)
