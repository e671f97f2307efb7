/**
 * A TCP port whose exposure the firewall report judges. The firewall engine knows no runtime
 * itself: its callers pass the runtime catalog's ports (src/hardware listInferencePorts).
 */
export interface InferencePort {
  port: number
  service: string
  /** Exposing it gives remote code execution (Ray job API, Jupyter), not only model access. */
  codeExecution?: boolean
  /** How to bind the service to loopback, when there is a known setting. */
  bindHint?: string
}
