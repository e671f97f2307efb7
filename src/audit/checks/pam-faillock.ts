import {noPamConfiguration, PAM_SERVICE_PATTERN} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {parseSecurityConf, readPamStack, RootReader, type PamLine} from '../facts/index.js'

interface Params {
  /** The PAM service whose auth stack is read (a file of /etc/pam.d; `sshd`, `login`, `common-auth`). */
  service: string
  /** The lock-out must trigger after at most this many failures. */
  maxDeny?: number
}

/** pam_faillock's default deny (faillock.conf(5)). */
const DEFAULT_DENY = 3

/** The module argument `name=value` of a line, if any. */
const arg = (line: PamLine | undefined, name: string) =>
  line?.args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)

export const check = defineCheck<Params>()({
  id: 'pam-faillock',
  title: 'Failed log-ins lock the account (pam_faillock)',
  /**
   * pam.conf(5) and pam_faillock(8): the service's auth stack, with @include, include and substack
   * followed and comments ignored, must call pam_faillock.so `preauth` and, after the password
   * module, `authfail`; `deny` comes from the module line, else /etc/security/faillock.conf, else 3,
   * and `deny=0` never locks.
   */
  description:
    'Reads the auth stack of a PAM service as libpam does (includes followed, comments ignored): pam_faillock preauth and authfail, deny from the module line or faillock.conf.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['service'],
    properties: {
      service: {type: 'string', pattern: PAM_SERVICE_PATTERN},
      maxDeny: {type: 'integer', minimum: 1, nullable: true},
    },
  },
  async run({root, params}) {
    const reader = new RootReader(root)
    const noPam = await noPamConfiguration(reader)
    if (noPam) return noPam
    const path = `/etc/pam.d/${params.service}`
    const stack = await readPamStack(reader, params.service, 'auth')
    const faillock = stack.filter((l) => l.module === 'pam_faillock.so')
    const preauth = faillock.find((l) => l.args.includes('preauth'))
    const authfail = faillock.find((l) => l.args.includes('authfail'))
    const conf = parseSecurityConf((await reader.text('/etc/security/faillock.conf')) ?? '')
    const denyText = arg(authfail, 'deny') ?? arg(preauth, 'deny') ?? conf.get('deny') ?? String(DEFAULT_DENY)
    const deny = Number(denyText)
    const problems: string[] = []
    if (!stack.length) problems.push(`${path} has no auth lines`)
    if (!preauth) problems.push(`no "auth … pam_faillock.so preauth" in the auth stack of ${params.service}`)
    if (!authfail) problems.push(`no "auth … pam_faillock.so authfail" in the auth stack of ${params.service}`)
    if (!Number.isInteger(deny) || deny <= 0) problems.push(`deny=${denyText} never locks the account`)
    else if (params.maxDeny !== undefined && deny > params.maxDeny)
      problems.push(`deny=${deny} allows more than ${params.maxDeny} failures`)
    const seen = faillock.map((l) => `${l.where}: ${l.type} ${l.control} ${l.module} ${l.args.join(' ')}`.trim())
    const lines = [...seen, `deny=${denyText}`]
    const verdict = problems.length ? outcome.fail([...problems, ...lines], path) : outcome.pass(lines, path)
    return guardUnreadable(verdict, reader.unreadable)
  },
})
