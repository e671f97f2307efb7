import {ALLOW_GROUPS} from './allowlist.js'

/** The allowlist as Markdown: one section per source, its globals in a list (docs/scan-policy.md). */
export function renderAllowlist(): string {
  return (
    ALLOW_GROUPS.map((group) => `\n**${group.source}**\n\n${group.globals.map((g) => `\`${g}\``).join(', ')}\n`).join(
      '',
    ) + '\n'
  )
}
