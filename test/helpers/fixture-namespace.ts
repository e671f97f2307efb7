/**
 * For fixture scripts (root): what the kernel holds once a ruleset is loaded, read back as nft
 * prints it, in a network namespace that exists only meanwhile.
 */
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

/** Runs `load` with `input` on stdin, then lists the ruleset as text and as JSON (pretty-printed). */
export function listAfterLoading(load: string[], input: string): {text: string; json: string} {
  const ns = `llmsec-fixture-${randomBytes(4).toString('hex')}`
  const exec = (args: string[], stdin?: string) =>
    execFileSync('ip', ['netns', 'exec', ns, ...args], {input: stdin, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  execFileSync('ip', ['netns', 'add', ns])
  try {
    exec(load, input)
    const json = exec(['nft', '-j', 'list', 'ruleset'])
    return {text: exec(['nft', 'list', 'ruleset']), json: `${JSON.stringify(JSON.parse(json), null, 1)}\n`}
  } finally {
    execFileSync('ip', ['netns', 'del', ns])
  }
}

/**
 * The three readings of an iptables-save text: the text, the genuine nft JSON iptables-nft leaves
 * (opaque `xt` objects where nft has no native form), and nft's own translation loaded as native
 * nftables and listed as JSON.
 */
export function threeReadings(rules: string): {rules: string; compat: string; native: string} {
  const compat = listAfterLoading(['iptables-nft-restore'], rules)
  // nft prints "# Warning: table ip nat is managed by iptables-nft" comments; as native tables they are not.
  const nativeText = compat.text.replace(/^# Warning:.*$/gm, '')
  return {rules, compat: compat.json, native: listAfterLoading(['nft', '-f', '-'], nativeText).json}
}
