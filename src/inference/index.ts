/** The inference domain: endpoint clients, smoke probes and the benchmark. */
export type * from './inference.types.js'
export {INFERENCE_ERRORS, inferenceError, type InferenceErrorCode} from './errors.js'
export {benchEndpoint, summariseLevel, type BenchOptions, type RequestSample} from './bench.js'
export {benchGguf} from './bench-gguf.js'
export {detectCanary, makeCanary, CANARY_ATTACKS} from './canary.js'
export {importNodeLlamaCpp, loadGguf, NODE_LLAMA_CPP_VERSION, type GgufOptions, type GgufRunner} from './gguf.js'
export {httpRequest, streamSse} from './http-client.js'
export {identifyServer, identifyFromAnswer, identifyFromHeaders} from './identify.js'
export {normaliseBaseUrl, streamChat, chatCompletion, listModels} from './openai-client.js'
export {makePrompt} from './prompts.js'
export {createRng} from './rng.js'
export {arrivalOffsets, gammaDraw} from './arrivals.js'
export {smokeEndpoint, smokeGguf, type SmokeOptions} from './smoke.js'
export {SseParser, type SseEvent} from './sse-parser.js'
export {parseSlo, percentile, summarise} from './stats.js'
export {
  endpointsFromRuntimes,
  resolveSmokeTargets,
  type ResolvedTarget,
  type RuntimeLike,
  type SmokeTargetsInput,
} from './targets.js'
export {runSmoke, smokeTargets, type SmokeRun} from './run-smoke.js'
export {exitCodeFor} from './policy.js'
export {parseList, runBench, type BenchRequest} from './run-bench.js'
