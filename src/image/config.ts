/** The process settings of an image config (the `config` object of the OCI image config). */
export interface ImageConfig {
  /** `User` as written (`1000`, `vllm:vllm`); null when unset, which runs the process as root. */
  user: string | null
  /** `Env` as name → value. */
  environment: Record<string, string>
  entrypoint: string[]
  cmd: string[]
  /** `ExposedPorts` keys: `8000/tcp`. */
  exposedPorts: string[]
  workingDir: string | null
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const MAX_ITEMS = 4096

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.slice(0, MAX_ITEMS).filter((v): v is string => typeof v === 'string') : []

/** Reads the process settings of an image config JSON; absent or mistyped fields are empty. */
export function parseImageConfig(json: unknown): ImageConfig {
  const config = isRecord(json) && isRecord(json.config) ? json.config : {}
  const environment: Record<string, string> = {}
  for (const line of strings(config.Env)) {
    const eq = line.indexOf('=')
    if (eq > 0) environment[line.slice(0, eq)] = line.slice(eq + 1)
  }
  const user = typeof config.User === 'string' && config.User.trim() !== '' ? config.User.trim() : null
  return {
    user,
    environment,
    entrypoint: strings(config.Entrypoint),
    cmd: strings(config.Cmd),
    exposedPorts: isRecord(config.ExposedPorts) ? Object.keys(config.ExposedPorts).slice(0, MAX_ITEMS).sort() : [],
    workingDir: typeof config.WorkingDir === 'string' && config.WorkingDir !== '' ? config.WorkingDir : null,
  }
}
