import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import type {LoadedConfig} from '../core/config.js'
import {ExitCode, LlmsecError} from '../core/errors.js'
import {jsonChunks} from '../core/json-chunks.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {isErrorCode, type LlmsecErrorCode} from './error-codes.js'
import {createSpinnerProgress} from './progress.js'
import {colorWanted, createStyle, type Style} from './style.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof LlmsecCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** What the base command prints for a failure: under --json `{"error": …}`, else one line on stderr. */
export interface ClassifiedError {
  code: LlmsecErrorCode
  message: string
  exit: ExitCode
}

/** The JSON shape of an error under --json. */
export interface ErrorJson {
  error: ClassifiedError
}

/**
 * Classifies anything thrown into a declared code, a one-line message and an exit code. An
 * LlmsecError with an undeclared code is treated as a bug (3), as is anything else.
 */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof LlmsecError && isErrorCode(error.code))
    return {code: error.code, message: error.message, exit: error.exit}
  if (error instanceof Errors.CLIError) {
    // oclif puts the reason on the lines after "Parsing --flag": keep it on the one line.
    const lines = error.message
      .split('\n')
      .map((line) => line.trim().replace(/\s{2,}/g, ' '))
      .filter((line) => line && !/^(See more help|Note:)/.test(line))
      .slice(0, 2)
    const message = lines.reduce((text, line) => (text ? `${text}${text.endsWith(':') ? ' ' : ': '}${line}` : line), '')
    return {
      code: 'USAGE',
      message: `${(message || 'Invalid usage').replace(/\.?$/, '.')} See --help.`,
      exit: ExitCode.Usage,
    }
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return {code: 'UNEXPECTED', message: `Unexpected error: ${message}`, exit: ExitCode.Unexpected}
}

/**
 * The base of every llmsec command: --json, --quiet, --no-color, --config, --debug,
 * exit codes, one-line errors and progress on stderr.
 */
export abstract class LlmsecCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    quiet: Flags.boolean({
      char: 'q',
      description: 'Hide progress and notes; print only results and errors.',
      helpGroup: 'GLOBAL',
    }),
    'no-color': Flags.boolean({description: 'Do not colour output (NO_COLOR is honoured too).', helpGroup: 'GLOBAL'}),
    config: Flags.string({
      description:
        'Configuration file [default: the first of ./llmsec.yaml, $XDG_CONFIG_HOME/llmsec/config.yaml, /etc/llmsec/config.yaml; see llmsec config].',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({description: 'Print stack traces of unexpected errors.', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** Styling for stdout output. */
  protected style: Style = createStyle(false)
  private stopProgress: (() => void)[] = []
  private warnings: string[] = []
  private loadedConfig?: LoadedConfig

  public override async init(): Promise<void> {
    await super.init()
    // Flag parsers get a copy of the command as their context; bound, its warn still sees --json.
    this.warn = this.warn.bind(this)
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof LlmsecCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.style = createStyle(!this.jsonEnabled() && colorWanted(process.stdout, Boolean(this.flags['no-color'])))
  }

  /** The configuration (from --config or the default paths), loaded once. */
  protected async config_(): Promise<LoadedConfig> {
    // Loaded on first use: the YAML parser and schema validator are start-up cost for commands without config.
    const {loadConfig} = await import('../core/config.js')
    this.loadedConfig ??= await loadConfig(this.flags.config)
    return this.loadedConfig
  }

  /** Prints human output to stdout; nothing under --json. */
  protected render(text: string): void {
    if (this.jsonEnabled() || text === '') return
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** What `--output` gets for the human format: the JSON result under --json (what stdout prints), else the text. */
  protected humanOrJson(result: unknown, text: string): string {
    return this.jsonEnabled() ? `${JSON.stringify(result, null, 2)}\n` : `${text.trimEnd()}\n`
  }

  /** Prints a note to stderr, unless --quiet or --json. */
  protected note(text: string): void {
    if (this.jsonEnabled() || this.flags?.quiet) return
    process.stderr.write(`${text}\n`)
  }

  /**
   * Warnings (deprecated flags, unit-less durations) as one line each on stderr, even with --quiet
   * (oclif's own format wraps them over several lines). They print when the command ends without
   * an error, so that a failure is always one line.
   */
  public override warn(input: string | Error): string | Error {
    this.warnings.push(input instanceof Error ? input.message : input)
    return input
  }

  /** A progress callback: a spinner on stderr when it is a TTY and neither --json nor --quiet. */
  protected progress(): OnProgress {
    // ora cannot draw on a terminal that reports no width (e.g. `script` without a size): skip it.
    if (this.jsonEnabled() || this.flags?.quiet || !process.stderr.isTTY || !process.stderr.columns) return noProgress
    const spinner = createSpinnerProgress(process.stderr)
    this.stopProgress.push(spinner.stop)
    return spinner.onProgress
  }

  /** Sets the exit code without ending the command (results still print). */
  protected setExitCode(code: ExitCode): void {
    process.exitCode = code
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    for (const stop of this.stopProgress) stop()
    if (!error && !this.jsonEnabled())
      for (const warning of this.warnings) process.stderr.write(`llmsec: warning: ${warning}\n`)
    return super.finally(error)
  }

  /** Prints an error as one line on stderr (with its hints), even under --quiet; nothing under --json. */
  protected printError(message: string, hints: readonly string[] = []): void {
    if (this.jsonEnabled()) return
    process.stderr.write(`llmsec: ${message}\n`)
    for (const hint of hints) process.stderr.write(`  hint: ${hint}\n`)
  }

  /**
   * Prints a --json result. oclif's logJson re-tokenises the pretty text to colour it even when no
   * JSON theme is set (then every token is written unchanged), which costs ≈ 0.3 s for an audit of
   * all rulesets (≈ 1 MB): without a theme the same text is printed directly.
   */
  protected override logJson(json: unknown): void {
    if (this.config.theme?.json) return super.logJson(json)
    // Written in pieces (a fleet report a host at a time): the same bytes, never one string.
    let batch = ''
    for (const chunk of jsonChunks(json, 2)) {
      batch += chunk
      if (batch.length >= 1 << 20) {
        process.stdout.write(batch)
        batch = ''
      }
    }
    process.stdout.write(`${batch}\n`)
  }

  protected override toErrorJson(error: unknown): ErrorJson {
    const {code, message, exit} = classifyError(error)
    return {error: {code, message, exit}}
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    for (const stop of this.stopProgress) stop()
    // A parse failure is reported here; oclif need not also warn that arguments went unparsed.
    this.parsed = true
    const {message, exit} = classifyError(error)
    process.exitCode = exit
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(error))
      return
    }
    const debug = this.flags?.debug || /(^|,)llmsec/.test(process.env.DEBUG ?? '')
    this.printError(message, error instanceof LlmsecError ? error.hints : [])
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  }
}
