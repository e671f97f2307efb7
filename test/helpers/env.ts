import {accessSync, constants} from 'node:fs'
import {delimiter, join} from 'node:path'

/** Whether the tests run as root (network namespaces and firewalls need it). */
export const isRoot = process.getuid?.() === 0

/** Whether an executable is on PATH. */
export function hasTool(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return true
    } catch {
      // keep looking
    }
  }
  return false
}

/** Logs why a test or suite is skipped, so CI output says so. */
export function skipReason(condition: boolean, reason: string): boolean {
  if (condition) console.warn(`[skip] ${reason}`)
  return condition
}
