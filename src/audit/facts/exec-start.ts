/** Splits an ExecStart= value (or a command string) into words (drops systemd prefixes such as - @ + !). */
export function splitExecStart(value: string): string[] {
  const words = [...value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
  if (words[0]) words[0] = words[0].replace(/^[-@+!:]+/, '')
  return words
}
