import {visibleWidth} from './style.js'
import {maxOf} from '../core/arrays.js'

export interface TableOptions {
  /** Column headers; their count fixes the number of columns. */
  head: string[]
  /** Indent every line by this many spaces. */
  indent?: number
  /** Wrap cells longer than this many characters (default: no limit). */
  maxCellWidth?: number
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)))
}

function truncate(text: string, max?: number): string {
  if (!max || visibleWidth(text) <= max) return text
  return `${text.slice(0, max - 1)}…`
}

/** Renders rows as an aligned plain-text table with a header rule. */
export function renderTable(rows: string[][], options: TableOptions): string {
  const indent = ' '.repeat(options.indent ?? 0)
  const cells = rows.map((row) => options.head.map((_, i) => truncate(String(row[i] ?? ''), options.maxCellWidth)))
  const widths = options.head.map((head, i) =>
    maxOf(
      cells.map((row) => visibleWidth(row[i])),
      visibleWidth(head),
    ),
  )
  const line = (row: string[]) =>
    indent +
    row
      .map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i])))
      .join('  ')
      .trimEnd()
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ')
  return [line(options.head), rule, ...cells.map(line)].join('\n')
}

/** Renders key/value pairs as two aligned columns. */
export function renderPairs(pairs: [string, string][], indent = 2): string {
  const width = maxOf(
    pairs.map(([key]) => key.length),
    0,
  )
  return pairs.map(([key, value]) => `${' '.repeat(indent)}${key.padEnd(width)}  ${value}`).join('\n')
}
