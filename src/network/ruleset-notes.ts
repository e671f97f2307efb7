import type {Chain, Table} from './ruleset.types.js'

/** A jump to a chain the table does not declare: evaluation makes it unknown; say so once here. */
export function noteMissingTargets(table: Table, chain: Chain, notes: string[]): void {
  for (const rule of chain.rules) {
    const action = rule.action
    if ((action?.kind === 'jump' || action?.kind === 'goto') && !table.chains.has(action.target))
      notes.push(`${table.family} ${table.name} ${chain.name}: "${rule.text}" names an undeclared chain: unknown`)
  }
}
