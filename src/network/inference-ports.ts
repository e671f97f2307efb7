/** A TCP port an inference or ML service listens on by default. */
export interface InferencePort {
  port: number
  service: string
  /** Exposing it gives remote code execution (Ray job API, Jupyter), not only model access. */
  codeExecution?: boolean
  /** How to bind the service to loopback, when there is a known setting. */
  bindHint?: string
}

/** Default ports of self-hosted LLM servers and their companions. */
export const DEFAULT_INFERENCE_PORTS: InferencePort[] = [
  {port: 1234, service: 'LM Studio', bindHint: 'turn off "Serve on Local Network" in LM Studio'},
  {port: 3000, service: 'Text Generation Inference', bindHint: 'text-generation-launcher --hostname 127.0.0.1'},
  {port: 6379, service: 'Ray GCS', codeExecution: true, bindHint: 'ray start --node-ip-address=127.0.0.1'},
  {
    port: 8000,
    service: 'vLLM / Triton HTTP',
    bindHint: 'vllm serve --host 127.0.0.1, or tritonserver --http-address 127.0.0.1',
  },
  {port: 8001, service: 'Triton gRPC', bindHint: 'tritonserver --grpc-address 127.0.0.1'},
  {port: 8002, service: 'Triton metrics', bindHint: 'tritonserver --metrics-address 127.0.0.1'},
  {port: 8080, service: 'llama.cpp server / TGI', bindHint: 'llama-server --host 127.0.0.1'},
  {port: 8265, service: 'Ray dashboard', codeExecution: true, bindHint: 'ray start --dashboard-host 127.0.0.1'},
  {port: 8888, service: 'Jupyter', codeExecution: true, bindHint: "jupyter server --ServerApp.ip='127.0.0.1'"},
  {port: 9400, service: 'dcgm-exporter', bindHint: 'dcgm-exporter --address 127.0.0.1:9400'},
  {
    port: 10001,
    service: 'Ray client server',
    codeExecution: true,
    bindHint: 'ray start --ray-client-server-port with a loopback node address',
  },
  {port: 11434, service: 'Ollama', bindHint: 'OLLAMA_HOST=127.0.0.1:11434'},
]

/** Default ports plus the configured ones (a configured port replaces a default with the same number). */
export function mergeInferencePorts(extra: {port: number; service: string}[] = []): InferencePort[] {
  const byPort = new Map(DEFAULT_INFERENCE_PORTS.map((p) => [p.port, p]))
  for (const port of extra) byPort.set(port.port, {...port})
  return [...byPort.values()].sort((a, b) => a.port - b.port)
}
