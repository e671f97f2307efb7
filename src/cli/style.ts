import {styleText} from 'node:util'

type Format = Parameters<typeof styleText>[0]

/** Text styling that is a no-op when colour is off (NO_COLOR, --no-color, not a TTY). */
export interface Style {
  enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  yellow(text: string): string
  green(text: string): string
  cyan(text: string): string
  magenta(text: string): string
}

export function createStyle(enabled: boolean): Style {
  const paint = (format: Format) => (text: string) => (enabled ? styleText(format, text) : text)
  return {
    enabled,
    bold: paint('bold'),
    dim: paint('dim'),
    red: paint('red'),
    yellow: paint('yellow'),
    green: paint('green'),
    cyan: paint('cyan'),
    magenta: paint('magenta'),
  }
}

/** Whether colour should be used on a stream, honouring NO_COLOR and FORCE_COLOR. */
export function colorWanted(stream: NodeJS.WriteStream, noColorFlag: boolean): boolean {
  if (noColorFlag || process.env.NO_COLOR !== undefined) return false
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

const ANSI = /\u001B\[[0-9;]*m/g

/** Visible width of a string, ignoring ANSI colour codes. */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length
}
