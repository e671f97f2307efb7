import type {RuleCaseTable} from '../../../helpers/rule-tester.js'
import type {GpusFact} from '../../../../src/audit/facts/index.js'
import {PICKLE_BYTES, safetensorsBytes} from '../../../helpers/rootfs.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

const unit = (name: string, body: string) => ({[`/etc/systemd/system/${name}`]: `[Service]\n${body}`})
const ollama = (extra: string) => unit('ollama.service', `ExecStart=/usr/bin/ollama serve\nUser=ollama\n${extra}`)
const vllm = (args: string) => unit('vllm.service', `ExecStart=/usr/bin/vllm serve m ${args}\nUser=vllm\n`)
/** vLLM's unit with the given [Service] lines in a drop-in. */
const sandboxed = (lines: string) => ({
  ...vllm(''),
  '/etc/systemd/system/vllm.service.d/sandbox.conf': `[Service]\n${lines}`,
})
const passwd = {'/etc/passwd': 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:1000::/home/carol:/bin/bash\n'}
const models = (mode: number, dir = 0o750) => ({
  '/srv/models': {dir},
  '/srv/models/m.safetensors': {content: safetensorsBytes(), mode},
})

const dpkg = (name: string, version: string) => ({
  '/var/lib/dpkg/status': `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n`,
})
/** One H100 as nvidia-smi reports it, with ECC and persistence set as given. */
const h100 = (mode: 'Enabled' | 'Disabled'): {gpus: GpusFact} => ({
  gpus: {
    vendor: 'nvidia',
    gpus: [{name: 'NVIDIA H100', driverVersion: '560.1', ecc: mode, persistence: mode, mig: 'Disabled'}],
  },
})
const fstab = '/dev/mapper/models_crypt /srv/models ext4 defaults 0 2\n'

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
  'models-encrypted-at-rest': {
    fail: {name: 'plain files on the root file system', files: models(0o640)},
    pass: {
      name: 'mounted from a crypttab LUKS mapping',
      files: {...models(0o640), '/etc/crypttab': 'models_crypt UUID=0b4c-11 none luks\n', '/etc/fstab': fstab},
    },
  },
  'ml-stack-vulnerable': {
    fail: {name: 'torch 2.5.1 and vllm 0.8.4 in the service venv', files: vulnRootSpec()},
    pass: {name: 'the fixed versions', files: vulnRootSpec(UPGRADED)},
  },
  'gpu-driver-vulnerable': {
    fail: {name: 'R550 below its fix', files: dpkg('nvidia-driver', '550.127.05-1'), facts: h100('Enabled')},
    pass: {name: 'R550 at its fix', files: dpkg('nvidia-driver', '550.144.03-1'), facts: h100('Enabled')},
  },
  'container-toolkit-vulnerable': {
    fail: {name: 'toolkit 1.16.1', files: dpkg('nvidia-container-toolkit', '1.16.1-1'), facts: h100('Enabled')},
    pass: {name: 'toolkit 1.18.0', files: dpkg('nvidia-container-toolkit', '1.18.0-1'), facts: h100('Enabled')},
  },
  'gpu-ecc-enabled': {
    fail: {name: 'ECC disabled', facts: h100('Disabled')},
    pass: {name: 'ECC enabled', facts: h100('Enabled')},
  },
  'gpu-persistence-mode': {
    fail: {name: 'persistence disabled', facts: h100('Disabled')},
    pass: {name: 'persistence enabled', facts: h100('Enabled')},
  },
  'inference-unit-no-new-privileges': {
    fail: {name: 'not set', files: vllm('')},
    pass: {name: 'NoNewPrivileges=yes', files: sandboxed('NoNewPrivileges=yes\n')},
  },
  'inference-unit-protect-system': {
    fail: {name: 'ProtectSystem=full', files: sandboxed('ProtectSystem=full\n')},
    pass: {name: 'ProtectSystem=strict', files: sandboxed('ProtectSystem=strict\n')},
  },
  'inference-unit-protect-home': {
    fail: {name: 'not set', files: vllm('')},
    pass: {name: 'ProtectHome=read-only', files: sandboxed('ProtectHome=read-only\n')},
  },
  'inference-unit-private-tmp': {
    fail: {name: 'PrivateTmp=no', files: sandboxed('PrivateTmp=no\n')},
    pass: {name: 'PrivateTmp=yes', files: sandboxed('PrivateTmp=yes\n')},
  },
  'inference-unit-no-capabilities': {
    fail: {name: 'CAP_SYS_ADMIN kept', files: sandboxed('CapabilityBoundingSet=CAP_SYS_ADMIN\n')},
    pass: {name: 'an empty set', files: sandboxed('CapabilityBoundingSet=\n')},
  },
  'inference-unit-devices-gpu-only': {
    fail: {name: 'DevicePolicy=auto', files: sandboxed('DeviceAllow=/dev/nvidia0 rw\n')},
    pass: {
      name: 'closed, NVIDIA nodes only',
      files: sandboxed('DevicePolicy=closed\nDeviceAllow=/dev/nvidiactl rw\nDeviceAllow=/dev/nvidia0 rw\n'),
    },
  },
  'inference-unit-memory-max': {
    fail: {name: 'MemoryMax=infinity', files: sandboxed('MemoryMax=infinity\n')},
    pass: {name: 'MemoryMax=64G', files: sandboxed('MemoryMax=64G\n')},
  },
  'inference-unit-tasks-max': {
    fail: {name: 'not set', files: vllm('')},
    pass: {name: 'TasksMax=4096', files: sandboxed('TasksMax=4096\n')},
  },
}
