import {Flags} from '@oclif/core'

/** Keeps a flag's old name working for one release: hidden from help, with a deprecation note. */
export function renamedFrom(oldName: string) {
  return {aliases: [oldName], deprecateAliases: true}
}

/** `--output/-o`: the file a command writes. */
export function outputFlag(description: string, oldName?: string) {
  return Flags.string({char: 'o', description, ...(oldName ? renamedFrom(oldName) : {})})
}
