import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {generateKeyPairPem, signModel} from '../../../../src/artifacts/index.js'
import type {GpusFact} from '../../../../src/audit/facts/index.js'
import type {ListeningSocket} from '../../../../src/network/index.js'
import type {RuleCaseTable} from '../../../helpers/rule-tester.js'
import {MALICIOUS_PICKLE as MALICIOUS, PICKLE_BYTES, safetensorsBytes, type RootSpec} from '../../../helpers/rootfs.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

/** An Ollama unit with the given [Service] lines. */
const ollama = (...lines: string[]): RootSpec => ({
  '/etc/systemd/system/ollama.service': ['[Service]', 'ExecStart=/usr/bin/ollama serve', ...lines, ''].join('\n'),
})
/** A vLLM unit started with the given arguments. */
const vllm = (args: string): RootSpec => ({
  '/etc/systemd/system/vllm.service': `[Service]\nUser=vllm\nExecStart=/opt/vllm/bin/vllm serve /srv/models/m ${args}\n`,
})
const socket = (address: string, port: number): ListeningSocket => ({
  protocol: 'tcp',
  address,
  port,
  loopback: address === '127.0.0.1',
  wildcard: address === '0.0.0.0',
  uid: 999,
  inode: 1,
  pid: 7,
  process: 'ollama',
})
const gpus = (ecc: string, persistence: string): GpusFact => ({
  vendor: 'nvidia',
  gpus: [{name: 'NVIDIA H100', driverVersion: '560.1', ecc, persistence, mig: 'Disabled'}],
})
const model = {'/srv/models/llama/model.safetensors': safetensorsBytes(), '/srv/models/llama/config.json': '{}\n'}
const signer = generateKeyPairPem('ecdsa-p256')
const keys = {'/keys/private.pem': {content: signer.privatePem, mode: 0o600}, '/keys/public.pem': signer.publicPem}
const trust = (root: string) => ({key: join(root, 'keys', 'public.pem')})
const carol = {'/etc/passwd': 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:1000::/home/carol:/bin/bash\n'}
const driver = (version: string): RootSpec => ({
  '/var/lib/dpkg/status': `Package: nvidia-driver\nStatus: install ok installed\nVersion: ${version}\n`,
})

/**
 * A real API on 127.0.0.1 that answers with the status the case sets, on the first free default
 * port of a catalog runtime (the rule probes those ports only).
 */
let status = 200
const api = createServer((_, res) => res.writeHead(status).end('{}'))
const listen = (port: number) =>
  new Promise<boolean>((resolve) => {
    api.once('error', () => resolve(false))
    api.listen(port, '127.0.0.1', () => resolve(true))
  })
for (const port of [11434, 8000, 30000, 8080, 3000, 1234, 4000]) if (await listen(port)) break
api.unref()
const apiPort = (api.address() as AddressInfo | null)?.port ?? 0

/** The rules written before rule cases existed, on exposure, secrets, models and GPUs (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'inference-bind-loopback': {
    fail: {name: 'OLLAMA_HOST=0.0.0.0', files: ollama('Environment=OLLAMA_HOST=0.0.0.0:11434')},
    pass: {name: 'OLLAMA_HOST on loopback', files: ollama('Environment=OLLAMA_HOST=127.0.0.1:11434')},
  },
  'inference-ports-loopback': {
    fail: {name: 'the Ollama port on every address', facts: {sockets: [socket('0.0.0.0', 11434)]}},
    pass: {name: 'the Ollama port on loopback', facts: {sockets: [socket('127.0.0.1', 11434)]}},
  },
  'inference-api-authenticated': {
    fail: {
      name: 'a real API that lists models without credentials',
      probe: true,
      facts: {sockets: [socket('127.0.0.1', apiPort)]},
      setup: async () => {
        status = 200
      },
    },
    pass: {
      name: 'a real API that answers 401',
      probe: true,
      facts: {sockets: [socket('127.0.0.1', apiPort)]},
      setup: async () => {
        status = 401
      },
    },
  },
  'ollama-origins-restricted': {
    fail: {name: 'OLLAMA_ORIGINS=*', files: ollama('User=ollama', 'Environment=OLLAMA_ORIGINS=*')},
    pass: {
      name: 'one named origin',
      files: ollama('User=ollama', 'Environment=OLLAMA_ORIGINS=https://chat.example.org'),
    },
  },
  'inference-not-root': {
    fail: {name: 'a unit without User=', files: ollama()},
    pass: {name: 'User=ollama', files: ollama('User=ollama')},
  },
  'no-trust-remote-code': {
    fail: {name: 'vllm serve --trust-remote-code', files: vllm('--trust-remote-code')},
    pass: {name: 'vllm serve without it', files: vllm('--host 127.0.0.1')},
  },
  'secret-files-private': {
    fail: {
      name: 'a world-readable Hugging Face token',
      files: {
        ...carol,
        '/home/carol/.cache/huggingface/token': {content: 'hf_abcdefghijklmnopqrstuvwxyz\n', mode: 0o644},
      },
    },
    pass: {
      name: 'the token at 0600',
      files: {
        ...carol,
        '/home/carol/.cache/huggingface/token': {content: 'hf_abcdefghijklmnopqrstuvwxyz\n', mode: 0o600},
      },
    },
  },
  'no-secrets-in-units': {
    fail: {
      name: 'HF_TOKEN in Environment=',
      files: ollama('User=ollama', 'Environment=HF_TOKEN=hf_abcdefghijklmnopqrst'),
    },
    pass: {name: 'no secret in the unit', files: ollama('User=ollama', 'Environment=OLLAMA_KEEP_ALIVE=5m')},
  },
  'no-pickle-models': {
    fail: {name: 'a pickle checkpoint', files: {'/srv/models/a/pytorch_model.bin': PICKLE_BYTES}},
    pass: {name: 'safetensors only', files: model},
  },
  'models-scan-clean': {
    fail: {name: 'a pickle that imports os.system', files: {'/srv/models/x/pytorch_model.bin': MALICIOUS}},
    pass: {name: 'safetensors only', files: model},
  },
  'models-signed': {
    fail: {name: 'an unsigned model directory', files: {...keys, ...model}, trust},
    pass: {
      name: 'signed with the trusted key',
      files: {...keys, ...model},
      setup: async (root) => {
        await signModel(join(root, 'srv/models/llama'), {key: join(root, 'keys/private.pem')})
      },
      trust,
    },
  },
  'models-encrypted-at-rest': {
    fail: {
      name: 'models on an unencrypted root filesystem',
      files: {...model, '/etc/fstab': 'UUID=0b4c-root / ext4 errors=remount-ro 0 1\n'},
    },
    pass: {
      name: 'models on a LUKS mapping of crypttab',
      files: {
        ...model,
        '/etc/crypttab': 'models_crypt UUID=0b4c-11 none luks\n',
        '/etc/fstab': 'UUID=0b4c-root / ext4 defaults 0 1\n/dev/mapper/models_crypt /srv/models ext4 defaults 0 2\n',
      },
    },
  },
  'models-not-world-writable': {
    fail: {
      name: 'a world-writable weights file',
      files: {'/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o666}},
    },
    pass: {name: 'weights at 0644', files: {'/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o644}}},
  },
  'models-not-world-readable': {
    fail: {
      name: 'a world-readable weights file',
      files: {'/srv/models': {dir: 0o750}, '/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o644}},
    },
    pass: {
      name: 'directory and weights closed to others',
      files: {'/srv/models': {dir: 0o750}, '/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o640}},
    },
  },
  'models-inactive': {
    fail: {
      name: 'a model untouched for 200 days that no service names (the unit serves another)',
      files: {
        ...vllm(''),
        '/srv/models/m/model.safetensors': {content: safetensorsBytes(), ageDays: 200},
        '/srv/models/old/model.safetensors': {content: safetensorsBytes(), ageDays: 200},
      },
    },
    pass: {
      name: 'the same old model, served by the vLLM unit (its directory is on the command line)',
      files: {...vllm(''), '/srv/models/m/model.safetensors': {content: safetensorsBytes(), ageDays: 200}},
    },
  },
  'ml-stack-vulnerable': {
    fail: {name: 'torch 2.5.1 and vllm 0.8.4 in the venv of vllm.service', files: vulnRootSpec()},
    pass: {name: 'the fixed versions', files: vulnRootSpec(UPGRADED)},
  },
  'gpu-driver-vulnerable': {
    fail: {name: 'R550 below its fix', files: driver('550.127.05-1')},
    pass: {name: 'R550 at its fix', files: driver('550.144.03-1')},
  },
  'container-toolkit-vulnerable': {
    fail: {name: 'toolkit 1.16.1', files: vulnRootSpec()},
    pass: {name: 'toolkit 1.17.8', files: vulnRootSpec(UPGRADED)},
  },
  'gpu-ecc-enabled': {
    fail: {name: 'ECC off', facts: {gpus: gpus('Disabled', 'Enabled')}},
    pass: {name: 'ECC on', facts: {gpus: gpus('Enabled', 'Enabled')}},
  },
  'gpu-device-permissions': {
    fail: {
      name: 'a world-readable node next to a 0660 one',
      files: {'/dev/nvidiactl': {content: '', mode: 0o660}, '/dev/nvidia0': {content: '', mode: 0o666}},
      facts: {gpus: gpus('Enabled', 'Enabled')},
      location: '/dev/nvidia0',
    },
    pass: {
      name: 'nodes 0660 and 0600',
      files: {'/dev/nvidiactl': {content: '', mode: 0o600}, '/dev/nvidia0': {content: '', mode: 0o660}},
      facts: {gpus: gpus('Enabled', 'Enabled')},
    },
  },
  'gpu-persistence-mode': {
    fail: {name: 'persistence off', facts: {gpus: gpus('Enabled', 'Disabled')}},
    pass: {name: 'persistence on', facts: {gpus: gpus('Enabled', 'Enabled')}},
  },
}
