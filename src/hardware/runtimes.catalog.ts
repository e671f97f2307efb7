/**
 * The one catalog of inference runtimes and AI services llmsec knows. Inventory detection, the
 * audit's runtime facts and checks, `init`'s endpoints, smoke's targets and server identification,
 * the firewall's inference ports and the rulesets' runtime names are all derived from it; no other
 * file spells a runtime id. Defaults come from each project's documentation (`docs`).
 */

/** A TCP port a runtime listens on by default. */
export interface RuntimePort {
  port: number
  /** What listens there: "HTTP API", "gRPC API", "metrics", … */
  purpose: string
  /** The address bound when nothing sets one. */
  defaultBind: string
  /** Flags that bind this port, when they differ from the runtime's `bind.flags` ([]: none). */
  bindFlags?: readonly string[]
  /** Whoever reaches this port can run code on the host (Ray jobs, Jupyter kernels). */
  codeExecution?: boolean
}

/** A GET route whose JSON answer names the server: `marker` must be a key, `version` holds the version. */
export interface IdentifyRoute {
  path: string
  marker: string
  version: string
}

export interface RuntimeDefinition {
  id: string
  name: string
  category: 'inference' | 'gateway' | 'notebook' | 'ml-platform' | 'web-ui' | 'vector-db' | 'exporter'
  /** How the runtime shows in a process list: tested against comm and the joined argv. */
  process: {comm?: RegExp; argv?: RegExp}
  /** Container image repositories (without tag or digest). */
  images: readonly string[]
  /** Default ports; the first is the main API. */
  ports: readonly RuntimePort[]
  /** What sets the bind address: flags, then environment variables (an address or host:port). */
  bind: {flags: readonly string[]; env: readonly string[]; hint: string}
  /** What sets the main port (an address env of `bind.env` may carry the port too). */
  port: {flags: readonly string[]; env: readonly string[]}
  /** How authentication is turned on; null when the runtime has none of its own. */
  auth: {flags: readonly string[]; env: readonly string[]; note?: string} | null
  /** Serves the OpenAI API under /v1 (smoke and bench can test it). */
  openaiApi: boolean
  health: string | null
  identify: readonly IdentifyRoute[]
  /** Substring of the Server or X-Powered-By header that names the runtime. */
  serverHeader?: RegExp
  /** Exposing the runtime lets a client run code on the host, not only use models. */
  codeExecution: boolean
  /**
   * Every long flag can also be set by an environment variable: `prefix` + the flag's name in upper
   * case with `_` for `-` (TGI's launcher is clap with `env`: `--trust-remote-code` ↔ TRUST_REMOTE_CODE).
   */
  flagEnv?: {prefix: string}
  /** Where the runtime keeps models by default (`~/` is every login home). */
  modelDirs?: readonly string[]
  /** The package its security advisories name (llmsec vulns' data): a PyPI distribution or a product id of llmsec's own. */
  advisories?: {ecosystem: 'PyPI' | 'product'; name: string}
  docs: string
}

const none = {flags: [], env: []} as const

export const OLLAMA = {
  id: 'ollama',
  name: 'Ollama',
  category: 'inference',
  process: {comm: /^ollama$/, argv: /(^|\/)ollama(\s|$)/},
  images: ['ollama/ollama'],
  ports: [{port: 11434, purpose: 'HTTP API', defaultBind: '127.0.0.1'}],
  bind: {flags: [], env: ['OLLAMA_HOST'], hint: 'Environment=OLLAMA_HOST=127.0.0.1:11434'},
  port: none,
  auth: null,
  openaiApi: true,
  health: '/',
  identify: [{path: '/api/version', marker: 'version', version: 'version'}],
  serverHeader: /ollama/i,
  codeExecution: false,
  modelDirs: ['/usr/share/ollama/.ollama/models', '/var/lib/ollama', '~/.ollama/models'],
  advisories: {ecosystem: 'product', name: 'ollama'},
  docs: 'https://github.com/ollama/ollama/blob/main/docs/faq.mdx',
} as const satisfies RuntimeDefinition

export const VLLM = {
  id: 'vllm',
  name: 'vLLM',
  category: 'inference',
  process: {argv: /(^|[\s/])vllm(\s+serve|\.entrypoints)|-m\s+vllm\b/},
  images: ['vllm/vllm-openai'],
  ports: [{port: 8000, purpose: 'OpenAI-compatible HTTP API', defaultBind: '0.0.0.0'}],
  bind: {flags: ['--host'], env: [], hint: 'vllm serve --host 127.0.0.1'},
  port: {flags: ['--port'], env: []},
  auth: {flags: ['--api-key'], env: ['VLLM_API_KEY']},
  openaiApi: true,
  health: '/health',
  identify: [{path: '/version', marker: 'version', version: 'version'}],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'vllm'},
  docs: 'https://docs.vllm.ai/en/latest/configuration/serve_args.html',
} as const satisfies RuntimeDefinition

export const SGLANG = {
  id: 'sglang',
  name: 'SGLang',
  category: 'inference',
  process: {argv: /sglang\.launch_server|(^|\/)sglang\s+serve\b/},
  images: ['lmsysorg/sglang'],
  ports: [{port: 30000, purpose: 'OpenAI-compatible HTTP API', defaultBind: '127.0.0.1'}],
  bind: {flags: ['--host'], env: [], hint: 'python -m sglang.launch_server --host 127.0.0.1'},
  port: {flags: ['--port'], env: []},
  auth: {flags: ['--api-key'], env: []},
  openaiApi: true,
  health: '/health',
  identify: [],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'sglang'},
  docs: 'https://docs.sglang.ai/advanced_features/server_arguments.html',
} as const satisfies RuntimeDefinition

export const LLAMA_CPP = {
  id: 'llama.cpp',
  name: 'llama.cpp server',
  category: 'inference',
  process: {comm: /^llama-server$/, argv: /(^|\/)llama-server(\s|$)/},
  images: ['ghcr.io/ggml-org/llama.cpp', 'ghcr.io/ggerganov/llama.cpp'],
  ports: [{port: 8080, purpose: 'HTTP API and web UI', defaultBind: '127.0.0.1'}],
  bind: {flags: ['--host'], env: ['LLAMA_ARG_HOST'], hint: 'llama-server --host 127.0.0.1'},
  port: {flags: ['--port'], env: ['LLAMA_ARG_PORT']},
  auth: {flags: ['--api-key', '--api-key-file'], env: ['LLAMA_API_KEY']},
  openaiApi: true,
  health: '/health',
  identify: [{path: '/props', marker: 'default_generation_settings', version: 'build_info'}],
  serverHeader: /llama\.cpp/i,
  codeExecution: false,
  advisories: {ecosystem: 'product', name: 'llama.cpp'},
  docs: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md',
} as const satisfies RuntimeDefinition

export const LLAMA_CPP_PYTHON = {
  id: 'llama-cpp-python',
  name: 'llama-cpp-python server',
  category: 'inference',
  process: {argv: /llama_cpp\.server/},
  images: ['ghcr.io/abetlen/llama-cpp-python'],
  ports: [{port: 8000, purpose: 'OpenAI-compatible HTTP API', defaultBind: '127.0.0.1'}],
  bind: {flags: ['--host'], env: ['HOST'], hint: 'python -m llama_cpp.server --host 127.0.0.1'},
  port: {flags: ['--port'], env: ['PORT']},
  auth: {flags: ['--api_key'], env: ['API_KEY']},
  openaiApi: true,
  health: null,
  identify: [],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'llama-cpp-python'},
  docs: 'https://llama-cpp-python.readthedocs.io/en/latest/server/',
} as const satisfies RuntimeDefinition

export const TGI = {
  id: 'tgi',
  name: 'Text Generation Inference',
  category: 'inference',
  process: {comm: /^text-generation/, argv: /text-generation-(launcher|router|server)/},
  images: ['ghcr.io/huggingface/text-generation-inference'],
  ports: [{port: 3000, purpose: 'HTTP API (the container image listens on 80)', defaultBind: '0.0.0.0'}],
  bind: {flags: ['--hostname'], env: ['HOSTNAME'], hint: 'text-generation-launcher --hostname 127.0.0.1'},
  port: {flags: ['--port', '-p'], env: ['PORT']},
  auth: null,
  flagEnv: {prefix: ''},
  openaiApi: true,
  health: '/health',
  identify: [{path: '/info', marker: 'model_id', version: 'version'}],
  codeExecution: false,
  advisories: {ecosystem: 'product', name: 'text-generation-inference'},
  docs: 'https://huggingface.co/docs/text-generation-inference/basic_tutorials/launcher',
} as const satisfies RuntimeDefinition

export const TRITON = {
  id: 'triton',
  name: 'Triton Inference Server',
  category: 'inference',
  process: {comm: /^tritonserver$/, argv: /(^|\/)tritonserver(\s|$)/},
  images: ['nvcr.io/nvidia/tritonserver'],
  ports: [
    {port: 8000, purpose: 'HTTP/REST API', defaultBind: '0.0.0.0'},
    {port: 8001, purpose: 'gRPC API', defaultBind: '0.0.0.0', bindFlags: ['--grpc-address']},
    {port: 8002, purpose: 'metrics', defaultBind: '0.0.0.0', bindFlags: ['--metrics-address']},
  ],
  bind: {
    flags: ['--http-address'],
    env: [],
    hint: 'tritonserver --http-address 127.0.0.1 --grpc-address 127.0.0.1 --metrics-address 127.0.0.1',
  },
  port: {flags: ['--http-port'], env: []},
  auth: {flags: ['--http-restricted-api', '--grpc-restricted-protocol'], env: []},
  openaiApi: false,
  health: '/v2/health/ready',
  identify: [{path: '/v2', marker: 'extensions', version: 'version'}],
  codeExecution: false,
  advisories: {ecosystem: 'product', name: 'triton'},
  docs: 'https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/',
} as const satisfies RuntimeDefinition

export const RAY = {
  id: 'ray',
  name: 'Ray',
  category: 'ml-platform',
  process: {
    comm: /^(raylet|gcs_server)$/,
    argv: /(^|\/)ray\s+start\b|ray\/dashboard|(^|\/)(raylet|gcs_server)(\s|$)/,
  },
  images: ['rayproject/ray', 'rayproject/ray-ml'],
  ports: [
    {port: 6379, purpose: 'GCS (cluster control)', defaultBind: '0.0.0.0', codeExecution: true},
    {
      port: 8265,
      purpose: 'dashboard and Jobs API',
      defaultBind: '127.0.0.1',
      bindFlags: ['--dashboard-host'],
      codeExecution: true,
    },
    {port: 10001, purpose: 'Ray Client server', defaultBind: '0.0.0.0', codeExecution: true},
    {port: 8000, purpose: 'Ray Serve HTTP', defaultBind: '127.0.0.1', bindFlags: []},
  ],
  bind: {
    flags: ['--node-ip-address'],
    env: [],
    hint: 'ray start --node-ip-address=127.0.0.1 --dashboard-host=127.0.0.1 (a cluster needs the firewall instead)',
  },
  port: {flags: ['--port'], env: []},
  auth: {flags: [], env: ['RAY_AUTH_MODE'], note: 'RAY_AUTH_MODE=token (Ray 2.52 and later); off by default'},
  openaiApi: false,
  health: null,
  // The dashboard's /api/version also has a `version` key (its API version): `ray_commit` tells it from Ollama.
  identify: [{path: '/api/version', marker: 'ray_commit', version: 'ray_version'}],
  codeExecution: true,
  advisories: {ecosystem: 'PyPI', name: 'ray'},
  docs: 'https://docs.ray.io/en/latest/ray-security/index.html',
} as const satisfies RuntimeDefinition

export const LM_STUDIO = {
  id: 'lm-studio',
  name: 'LM Studio',
  category: 'inference',
  process: {comm: /^(lm-studio|LM Studio)$/i, argv: /lm-studio|LM Studio|(^|\/)lms\s+server/i},
  images: [],
  ports: [{port: 1234, purpose: 'OpenAI-compatible HTTP API', defaultBind: '127.0.0.1'}],
  bind: {flags: [], env: [], hint: 'turn off "Serve on Local Network" in LM Studio'},
  port: {flags: ['--port'], env: []},
  auth: {flags: [], env: [], note: 'API tokens ("Require Authentication" in the server settings)'},
  openaiApi: true,
  health: null,
  identify: [],
  serverHeader: /lm ?studio/i,
  codeExecution: false,
  modelDirs: ['~/.lmstudio/models', '~/.cache/lm-studio/models'],
  docs: 'https://lmstudio.ai/docs/developer/core/server/serve-on-network',
} as const satisfies RuntimeDefinition

export const LOCALAI = {
  id: 'localai',
  name: 'LocalAI',
  category: 'inference',
  process: {comm: /^local-ai$/, argv: /(^|\/)local-ai(\s|$)/},
  images: ['localai/localai', 'quay.io/go-skynet/local-ai'],
  ports: [{port: 8080, purpose: 'OpenAI-compatible HTTP API and web UI', defaultBind: '0.0.0.0'}],
  bind: {flags: ['--address'], env: ['LOCALAI_ADDRESS', 'ADDRESS'], hint: 'LOCALAI_ADDRESS=127.0.0.1:8080'},
  port: none,
  auth: {flags: ['--api-keys'], env: ['LOCALAI_API_KEY', 'API_KEY']},
  openaiApi: true,
  health: '/readyz',
  identify: [],
  codeExecution: false,
  docs: 'https://localai.io/advanced/',
} as const satisfies RuntimeDefinition

export const JUPYTER = {
  id: 'jupyter',
  name: 'Jupyter',
  category: 'notebook',
  process: {comm: /^jupyter-/, argv: /(^|\/)jupyter(-|\s+)(lab|notebook|server)\b/},
  images: ['quay.io/jupyter/base-notebook', 'quay.io/jupyter/pytorch-notebook', 'jupyter/base-notebook'],
  ports: [{port: 8888, purpose: 'notebook server (kernels run code)', defaultBind: '127.0.0.1', codeExecution: true}],
  bind: {
    flags: ['--ip', '--ServerApp.ip', '--NotebookApp.ip'],
    env: [],
    hint: 'jupyter server --ServerApp.ip=127.0.0.1',
  },
  port: {flags: ['--port', '--ServerApp.port', '--NotebookApp.port'], env: []},
  auth: {flags: ['--IdentityProvider.token', '--ServerApp.token', '--NotebookApp.token'], env: ['JUPYTER_TOKEN']},
  openaiApi: false,
  health: '/api',
  identify: [],
  codeExecution: true,
  advisories: {ecosystem: 'PyPI', name: 'jupyter-server'},
  docs: 'https://jupyter-server.readthedocs.io/en/latest/other/full-config.html',
} as const satisfies RuntimeDefinition

export const MLFLOW = {
  id: 'mlflow',
  name: 'MLflow tracking server',
  category: 'ml-platform',
  process: {argv: /(^|\/)mlflow\s+(server|ui)\b|mlflow\.server[:.]/},
  images: ['ghcr.io/mlflow/mlflow'],
  ports: [{port: 5000, purpose: 'tracking server and UI', defaultBind: '127.0.0.1'}],
  bind: {flags: ['--host', '-h'], env: [], hint: 'mlflow server --host 127.0.0.1'},
  port: {flags: ['--port', '-p'], env: []},
  auth: {flags: ['--app-name'], env: [], note: 'mlflow server --app-name basic-auth'},
  openaiApi: false,
  health: '/health',
  identify: [],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'mlflow'},
  docs: 'https://mlflow.org/docs/latest/self-hosting/',
} as const satisfies RuntimeDefinition

export const GRADIO = {
  id: 'gradio',
  name: 'Gradio app',
  category: 'web-ui',
  process: {argv: /(^|\/)gradio\s+\S+\.py\b/},
  images: [],
  ports: [{port: 7860, purpose: 'web UI and API', defaultBind: '127.0.0.1'}],
  bind: {
    flags: [],
    env: ['GRADIO_SERVER_NAME'],
    hint: 'GRADIO_SERVER_NAME=127.0.0.1 (or launch(server_name="127.0.0.1"))',
  },
  port: {flags: [], env: ['GRADIO_SERVER_PORT']},
  auth: {flags: [], env: [], note: 'launch(auth=...) in the app'},
  openaiApi: false,
  health: null,
  identify: [],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'gradio'},
  docs: 'https://www.gradio.app/guides/environment-variables',
} as const satisfies RuntimeDefinition

export const OPEN_WEBUI = {
  id: 'open-webui',
  name: 'Open WebUI',
  category: 'web-ui',
  process: {argv: /(^|\/)open-webui\s+serve\b|open_webui\.main:app/},
  images: ['ghcr.io/open-webui/open-webui'],
  ports: [
    {port: 8080, purpose: 'web UI and API', defaultBind: '0.0.0.0'},
    {port: 3000, purpose: 'web UI as its container is usually published (-p 3000:8080)', defaultBind: '0.0.0.0'},
  ],
  bind: {
    flags: ['--host'],
    env: ['HOST'],
    hint: 'open-webui serve --host 127.0.0.1, or publish -p 127.0.0.1:3000:8080',
  },
  port: {flags: ['--port'], env: ['PORT']},
  auth: {flags: [], env: ['WEBUI_AUTH'], note: 'on unless WEBUI_AUTH=False'},
  openaiApi: false,
  health: '/health',
  identify: [],
  codeExecution: false,
  docs: 'https://docs.openwebui.com/getting-started/env-configuration',
} as const satisfies RuntimeDefinition

export const QDRANT = {
  id: 'qdrant',
  name: 'Qdrant',
  category: 'vector-db',
  process: {comm: /^qdrant$/, argv: /(^|\/)qdrant(\s|$)/},
  images: ['qdrant/qdrant'],
  ports: [
    {port: 6333, purpose: 'HTTP API', defaultBind: '0.0.0.0'},
    {port: 6334, purpose: 'gRPC API', defaultBind: '0.0.0.0'},
  ],
  bind: {flags: [], env: ['QDRANT__SERVICE__HOST'], hint: 'QDRANT__SERVICE__HOST=127.0.0.1'},
  port: {flags: [], env: ['QDRANT__SERVICE__HTTP_PORT']},
  auth: {flags: [], env: ['QDRANT__SERVICE__API_KEY', 'QDRANT__SERVICE__READ_ONLY_API_KEY']},
  openaiApi: false,
  health: '/healthz',
  identify: [],
  codeExecution: false,
  docs: 'https://qdrant.tech/documentation/guides/configuration/',
} as const satisfies RuntimeDefinition

export const MILVUS = {
  id: 'milvus',
  name: 'Milvus',
  category: 'vector-db',
  process: {comm: /^milvus$/, argv: /(^|\/)milvus\s+run\b/},
  images: ['milvusdb/milvus'],
  ports: [
    {port: 19530, purpose: 'gRPC and REST API', defaultBind: '0.0.0.0'},
    {port: 9091, purpose: 'metrics, health and management', defaultBind: '0.0.0.0'},
  ],
  bind: {flags: [], env: [], hint: 'publish the ports on loopback only (docker -p 127.0.0.1:19530:19530)'},
  port: none,
  auth: {flags: [], env: [], note: 'common.security.authorizationEnabled: true (off by default)'},
  openaiApi: false,
  health: '/healthz',
  identify: [],
  codeExecution: false,
  docs: 'https://milvus.io/docs/manage_connection.md',
} as const satisfies RuntimeDefinition

export const CHROMA = {
  id: 'chroma',
  name: 'Chroma',
  category: 'vector-db',
  process: {argv: /(^|\/)chroma\s+run\b|chromadb\.app:app/},
  images: ['chromadb/chroma'],
  ports: [{port: 8000, purpose: 'HTTP API', defaultBind: '127.0.0.1'}],
  bind: {flags: ['--host'], env: [], hint: 'chroma run --host 127.0.0.1'},
  port: {flags: ['--port'], env: []},
  auth: {flags: [], env: ['CHROMA_SERVER_AUTHN_PROVIDER', 'CHROMA_SERVER_AUTHN_CREDENTIALS']},
  openaiApi: false,
  health: '/api/v2/heartbeat',
  identify: [],
  codeExecution: false,
  docs: 'https://docs.trychroma.com/docs/cli/run',
} as const satisfies RuntimeDefinition

export const WEAVIATE = {
  id: 'weaviate',
  name: 'Weaviate',
  category: 'vector-db',
  process: {comm: /^weaviate$/, argv: /(^|\/)weaviate(\s|$)/},
  images: ['cr.weaviate.io/semitechnologies/weaviate', 'semitechnologies/weaviate'],
  ports: [
    {port: 8080, purpose: 'HTTP API', defaultBind: '0.0.0.0'},
    {port: 50051, purpose: 'gRPC API', defaultBind: '0.0.0.0'},
  ],
  bind: {flags: ['--host'], env: [], hint: 'weaviate --host 127.0.0.1, or publish -p 127.0.0.1:8080:8080'},
  port: {flags: ['--port'], env: []},
  auth: {
    flags: [],
    env: ['AUTHENTICATION_APIKEY_ENABLED', 'AUTHENTICATION_OIDC_ENABLED'],
    note: 'the image allows anonymous access (AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true)',
  },
  openaiApi: false,
  health: '/v1/.well-known/ready',
  identify: [],
  codeExecution: false,
  docs: 'https://docs.weaviate.io/deploy/installation-guides/docker-installation',
} as const satisfies RuntimeDefinition

export const LITELLM = {
  id: 'litellm',
  name: 'LiteLLM proxy',
  category: 'gateway',
  process: {argv: /(^|\/)litellm(\s|$)|litellm\.proxy\.proxy_cli/},
  images: ['ghcr.io/berriai/litellm'],
  ports: [{port: 4000, purpose: 'OpenAI-compatible proxy API and admin UI', defaultBind: '0.0.0.0'}],
  bind: {flags: ['--host'], env: ['HOST'], hint: 'litellm --host 127.0.0.1'},
  port: {flags: ['--port'], env: ['PORT']},
  auth: {flags: [], env: ['LITELLM_MASTER_KEY']},
  openaiApi: true,
  health: '/health/liveliness',
  identify: [],
  codeExecution: false,
  advisories: {ecosystem: 'PyPI', name: 'litellm'},
  docs: 'https://docs.litellm.ai/docs/proxy/cli',
} as const satisfies RuntimeDefinition

export const DCGM_EXPORTER = {
  id: 'dcgm-exporter',
  name: 'NVIDIA DCGM exporter',
  category: 'exporter',
  process: {comm: /^dcgm-exporter$/, argv: /(^|\/)dcgm-exporter(\s|$)/},
  images: ['nvcr.io/nvidia/k8s/dcgm-exporter'],
  ports: [{port: 9400, purpose: 'Prometheus GPU metrics', defaultBind: '0.0.0.0'}],
  bind: {flags: ['--address', '-a'], env: ['DCGM_EXPORTER_LISTEN'], hint: 'dcgm-exporter --address 127.0.0.1:9400'},
  port: none,
  auth: {flags: ['--web-config-file'], env: []},
  openaiApi: false,
  health: '/health',
  identify: [],
  codeExecution: false,
  docs: 'https://github.com/NVIDIA/dcgm-exporter',
} as const satisfies RuntimeDefinition

/** Every runtime, in the order process signatures are tried. */
export const RUNTIMES = [
  OLLAMA,
  VLLM,
  SGLANG,
  LLAMA_CPP,
  LLAMA_CPP_PYTHON,
  TGI,
  TRITON,
  RAY,
  LM_STUDIO,
  LOCALAI,
  JUPYTER,
  MLFLOW,
  GRADIO,
  OPEN_WEBUI,
  QDRANT,
  MILVUS,
  CHROMA,
  WEAVIATE,
  LITELLM,
  DCGM_EXPORTER,
] as const satisfies readonly RuntimeDefinition[]

export type RuntimeId = (typeof RUNTIMES)[number]['id']
/** A catalog entry, typed for code that handles any runtime. */
export type Runtime = RuntimeDefinition & {id: RuntimeId}

/**
 * The catalog as a list of `Runtime` (RUNTIMES keeps each entry's literal types).
 * @alias
 */
export const RUNTIME_LIST: readonly Runtime[] = RUNTIMES

/** Every runtime id, in catalog order (JSON-schema enums are built from it). */
export const RUNTIME_IDS: RuntimeId[] = RUNTIMES.map((r) => r.id)
