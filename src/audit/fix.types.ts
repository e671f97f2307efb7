/**
 * A remediation as data (docs/json/audit.md, "fix"): file edits a tool or a person can apply to
 * the audited root, commands that need the running system, and steps only a person can take.
 * Paths are inside the audited root ('/etc/…' means `<root>/etc/…` under --root).
 */

/** The syntax of a configuration file a `set` edit changes. */
type SetSyntax = 'sshd' | 'space' | 'equals'

/**
 * One file edit:
 * - `set`: every uncommented assignment of `key` in `path` gets `value`. Without one, the line is
 *   added: for `sshd` as the file's first line (sshd_config(5): the first value obtained wins, and
 *   a line before every Match block applies to all connections); for `space`/`equals` at the end.
 *   `space` writes `key value`, `equals` writes `key=value`. A missing file is created (0644).
 * - `write`: a drop-in file llmsec names (`llmsec-…`), or a file a rule replaces as a whole (a log-in
 *   banner), gets exactly `content` (created or replaced; mode `mode`, default 0644). Distinct fixes never write the same drop-in with different content.
 * - `append`: `line` is added at the end of `path` unless the file already has that exact line
 *   (the file is created when missing).
 * - `chmod`: octal (`0600`) or symbolic (`o-w`) mode, with `recursive` to the whole tree.
 * - `chown`: owner and optional group, names as in the root's /etc/passwd and /etc/group.
 */
export type FileEdit =
  | {op: 'set'; path: string; syntax: SetSyntax; key: string; value: string}
  | {op: 'write'; path: string; content: string; mode?: string}
  | {op: 'append'; path: string; line: string}
  | {op: 'chmod'; path: string; mode: string; recursive?: boolean}
  | {op: 'chown'; path: string; owner: string; group?: string; recursive?: boolean}

/** A command that is shown, never run by llmsec: it needs the running system (`live`). */
export interface FixCommand {
  command: string
  live: true
}

/** What to do about one failing rule, for the host it was audited on. */
export interface Fix {
  edits: FileEdit[]
  commands: FixCommand[]
  /** Steps only a person can take (convert a model, rotate a token), or context advice. */
  steps: string[]
}
