import {Flags} from '@oclif/core'

import {
  exitCodeFor,
  incompleteNote,
  listBuiltInRulesets,
  loadRuleset,
  modelTrust,
  runAuditReport,
} from '../src/audit/index.js'
import {loadWaivers, readAuditResult, waiverSettings, type AuditReport} from '../src/audit/reports/index.js'
import {emitReports, planOutputs} from '../src/cli/audit-output.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {imageFlag} from '../src/cli/flags/image.js'
import {reportFlags} from '../src/cli/flags/report.js'

export default class Audit extends LlmsecCommand<typeof Audit> {
  static override description =
    'Score this host (or a mounted root filesystem) against compliance rulesets for LLM hosts'
  static override examples = [
    '<%= config.bin %> audit',
    '<%= config.bin %> audit --ruleset hipaa --ruleset owasp-llm-top10',
    '<%= config.bin %> audit --ruleset all --json',
    '<%= config.bin %> audit --root /mnt/image --fail-under 80 --fail-on none',
    '<%= config.bin %> audit --image vllm.tar --format sarif --output llmsec.sarif',
    '<%= config.bin %> audit --ruleset ./my-rules.yaml --rule inference-bind-loopback',
    '<%= config.bin %> audit --probe --rule inference-api-authenticated',
    '<%= config.bin %> audit --walk --timeout 120s',
    '<%= config.bin %> audit --format sarif --output llmsec.sarif',
    '<%= config.bin %> audit --format json --format sarif --format junit --format html --output-dir out/',
    '<%= config.bin %> audit --waivers ./waivers.yaml --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> audit --compare last.json --fail-on-new high --format json --output today.json',
  ]
  static override flags = {
    ruleset: Flags.string({
      // -r is encrypt's --recipient (as in age); audit's old -r still works for one release.
      charAliases: ['r'],
      deprecateAliases: true,
      description:
        'Built-in ruleset id, a ruleset file, or "all" (repeatable) [default: baseline, or rulesets in the config].',
      multiple: true,
    }),
    rule: Flags.string({description: 'Run only this rule id (repeatable).', multiple: true}),
    root: Flags.string({
      description:
        'Audit a mounted root filesystem or unpacked image offline; live checks (processes, sockets, firewall, GPUs) are skipped.',
    }),
    image: imageFlag,
    probe: Flags.boolean({
      description:
        'Also send one GET to each listening inference port on 127.0.0.1 to see whether it answers without credentials.',
    }),
    walk: Flags.boolean({
      description:
        'Also walk every local filesystem (lstat, never following links) for world-writable files, world-writable directories without the sticky bit and files of no known owner; takes seconds on a full host, so raise --timeout.',
    }),
    models: Flags.string({description: 'Extra model directory to inspect (repeatable).', multiple: true}),
    'fail-under': Flags.integer({
      description: 'Exit 1 when the overall score is below this (0–100).',
      min: 0,
      max: 100,
    }),
    'allow-incomplete': Flags.boolean({
      description:
        'Exit 0/1 by --fail-on/--fail-under even when some rules could not be evaluated (else exit 4); errors still count as failures.',
    }),
    'host-name': Flags.string({
      description:
        "The host name reports show [default: the image's tag and config digest with --image, /etc/hostname of --root, else this machine's name].",
    }),
    'fail-on': Flags.option({
      description: 'Exit 1 when a rule of this severity or worse fails; "none" never fails.',
      options: ['critical', 'high', 'medium', 'low', 'info', 'none'] as const,
      default: 'high',
    })(),
    compare: Flags.string({
      description:
        'A saved result of this host (audit --json) to compare with: new and fixed failures, score change, model files added or removed.',
    }),
    'fail-on-new': Flags.option({
      description:
        'With --compare: exit 1 only when a failure of this severity or worse is new (replaces --fail-on and --fail-under).',
      options: ['critical', 'high', 'medium', 'low', 'info'] as const,
      dependsOn: ['compare'],
      exclusive: ['fail-under'],
    })(),
    timeout: durationFlag({
      description: 'Timeout of each check.',
      bareUnit: 'ms',
      min: 100,
      max: 3_600_000,
      default: 15_000,
    }),
    ...reportFlags,
    waivers: Flags.string({
      description:
        'Waivers file (expiring exceptions) [default: waivers.file in the config; ./.llmsec-waivers.yaml only with waivers.autoload: true].',
    }),
    'allow-critical-waivers': Flags.boolean({
      description:
        'Consent to waivers of critical rules (else such a waiver is refused, exit 2); the config can give it with waivers.allowCritical: true.',
    }),
  }

  async run(): Promise<AuditReport> {
    const {config} = await this.config_()
    const flags = this.flags
    let refs = flags.ruleset?.length ? flags.ruleset : (config.rulesets ?? ['baseline'])
    if (refs.includes('all'))
      refs = [...new Set([...refs.filter((r) => r !== 'all'), ...(await listBuiltInRulesets())])]
    const plan = planOutputs(flags, this.jsonEnabled())
    const settings = waiverSettings(config.waivers)
    const {waivers, note} = await loadWaivers(flags.waivers, settings)
    if (note) this.warn(note)
    const previous = flags.compare ? readAuditResult(flags.compare) : undefined
    const rulesets = []
    for (const ref of refs) rulesets.push(await loadRuleset(ref))
    const policy = {
      failOn: flags['fail-on'],
      failUnder: flags['fail-under'],
      allowIncomplete: flags['allow-incomplete'],
      failOnNew: flags['fail-on-new'],
    }
    const report = await runAuditReport({
      rulesets,
      rules: flags.rule,
      root: flags.root,
      imageFile: flags.image,
      probe: flags.probe,
      walk: flags.walk,
      modelPaths: [...(config.models?.paths ?? []), ...(flags.models ?? [])],
      trust: modelTrust(config.signing),
      timeoutMs: flags.timeout,
      hostName: flags['host-name'],
      version: this.config.version,
      waivers,
      allowCriticalWaivers: flags['allow-critical-waivers'] || settings.allowCritical,
      policy,
      previous,
      onProgress: this.progress(),
    })
    const exit = exitCodeFor(report, policy)
    const {stdout, files} = await emitReports(report, plan, this.style, exit)
    if (stdout !== null) this.render(stdout)
    for (const file of files) this.note(`wrote ${file}`)
    const incomplete = incompleteNote(report, exit)
    if (incomplete) this.note(incomplete)
    this.setExitCode(exit)
    return report
  }
}
