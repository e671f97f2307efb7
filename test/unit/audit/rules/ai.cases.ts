import type {RuleCaseTable} from '../../../helpers/rule-tester.js'
import {PICKLE_BYTES, safetensorsBytes} from '../../../helpers/rootfs.js'

const unit = (name: string, body: string) => ({[`/etc/systemd/system/${name}`]: `[Service]\n${body}`})
const ollama = (extra: string) => unit('ollama.service', `ExecStart=/usr/bin/ollama serve\nUser=ollama\n${extra}`)
const vllm = (args: string) => unit('vllm.service', `ExecStart=/usr/bin/vllm serve m ${args}\nUser=vllm\n`)
const passwd = {'/etc/passwd': 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:1000::/home/carol:/bin/bash\n'}
const models = (mode: number, dir = 0o750) => ({
  '/srv/models': {dir},
  '/srv/models/m.safetensors': {content: safetensorsBytes(), mode},
})

/** LLM and AI services: the rules' crafted roots (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'inference-bind-loopback': {
    fail: {name: 'OLLAMA_HOST=0.0.0.0 in the unit', files: ollama('Environment=OLLAMA_HOST=0.0.0.0:11434\n')},
    pass: {name: 'OLLAMA_HOST on loopback', files: ollama('Environment=OLLAMA_HOST=127.0.0.1:11434\n')},
  },
  'ollama-origins-restricted': {
    fail: {name: 'OLLAMA_ORIGINS=*', files: ollama('Environment=OLLAMA_ORIGINS=*\n')},
    pass: {name: 'one named origin', files: ollama('Environment=OLLAMA_ORIGINS=https://chat.example.org\n')},
  },
  'inference-not-root': {
    fail: {name: 'a unit without User=', files: unit('vllm.service', 'ExecStart=/usr/bin/vllm serve m\n')},
    pass: {name: 'User=vllm', files: vllm('')},
  },
  'no-trust-remote-code': {
    fail: {name: '--trust-remote-code in ExecStart=', files: vllm('--trust-remote-code')},
    pass: {name: 'without the flag', files: vllm('--max-model-len 4096')},
  },
  'no-secrets-in-units': {
    fail: {name: 'an API key in Environment=', files: unit('a.service', 'Environment=OPENAI_API_KEY=sk-abc\n')},
    pass: {name: 'only a port', files: unit('a.service', 'Environment=PORT=1\n')},
  },
  'secret-files-private': {
    fail: {
      name: 'a world-readable Hugging Face token',
      files: {...passwd, '/home/carol/.cache/huggingface/token': {content: 'hf_x', mode: 0o644}},
    },
    pass: {
      name: 'the token mode 0600',
      files: {...passwd, '/home/carol/.cache/huggingface/token': {content: 'hf_x', mode: 0o600}},
    },
  },
  'no-pickle-models': {
    fail: {name: 'a pickled .bin', files: {...models(0o640), '/srv/models/pytorch_model.bin': PICKLE_BYTES}},
    pass: {name: 'only safetensors', files: models(0o640)},
  },
  'models-not-world-writable': {
    fail: {name: 'a model file mode 0666', files: models(0o666)},
    pass: {name: 'mode 0640', files: models(0o640)},
  },
  'models-not-world-readable': {
    fail: {name: 'a model directory mode 0755', files: models(0o640, 0o755)},
    pass: {name: 'directory 0750, file 0640', files: models(0o640)},
  },
}
