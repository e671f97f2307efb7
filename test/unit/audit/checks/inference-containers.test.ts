import {check as inferenceArgs} from '../../../../src/audit/checks/inference-args.js'
import {check as inferenceBind} from '../../../../src/audit/checks/inference-bind.js'
import {check as inferenceUser} from '../../../../src/audit/checks/inference-user.js'
import {check as unitSecrets} from '../../../../src/audit/checks/unit-secrets.js'
import {checkTester} from '../../../helpers/check-tester.js'

const unit = (exec: string, extra = '') => ({
  '/etc/systemd/system/llm.service': `[Service]\n${extra}ExecStart=${exec}\n`,
})
const dockerVllm = unit(
  '/usr/bin/docker run --rm --gpus all -p 0.0.0.0:8000:8000 -v /srv/models:/models vllm/vllm-openai:v0.6.3 --model /models/q --trust-remote-code',
)
const trc = {forbidden: ['--trust-remote-code']}
const compose = {
  '/etc/systemd/system/stack.service': '[Service]\nWorkingDirectory=/opt/stack\nExecStart=/usr/bin/docker compose up\n',
  '/opt/stack/compose.yaml': [
    'services:',
    '  tgi:',
    '    image: ghcr.io/huggingface/text-generation-inference:2.4',
    '    command: --model-id /data/m',
    '    ports: ["127.0.0.1:8080:80"]',
    '    environment:',
    '      TRUST_REMOTE_CODE: "true"',
    '  web:',
    '    image: nginx',
    '',
  ].join('\n'),
}

checkTester.run(inferenceBind, {
  valid: [
    {
      name: 'a container published on loopback only',
      files: unit('/usr/bin/docker run -p 127.0.0.1:8000:8000 vllm/vllm-openai --model m'),
      evidence: ['vllm (/etc/systemd/system/llm.service, container vllm/vllm-openai) publishes 127.0.0.1:8000 → 8000'],
    },
    {
      name: 'a Compose service published on loopback',
      files: compose,
      evidence: [/^tgi \(\/opt\/stack\/compose\.yaml#tgi, container .*\) publishes 127\.0\.0\.1:8080 → 80$/],
    },
  ],
  invalid: [
    {
      name: 'docker run -p 0.0.0.0:8000:8000 vllm/vllm-openai',
      status: 'fail',
      files: dockerVllm,
      includes: [/publishes 0\.0\.0\.0:8000 → 8000$/],
    },
    {
      name: 'podman run -p 8000:8000 publishes on every address',
      status: 'fail',
      files: unit('/usr/bin/podman run -dit -p8000:8000 docker.io/vllm/vllm-openai@sha256:abc --model m'),
      includes: [/publishes 0\.0\.0\.0:8000 → 8000$/],
    },
    {
      name: 'docker run -P publishes every exposed port',
      status: 'fail',
      files: unit('/usr/bin/docker run -P ollama/ollama'),
      includes: [/\(-P\)$/],
    },
    {
      name: 'host networking: the server bind decides (vLLM defaults to 0.0.0.0)',
      status: 'fail',
      files: unit('/usr/bin/docker run --network=host vllm/vllm-openai --model m'),
      includes: [/binds 0\.0\.0\.0 \(vllm default\)/],
    },
    {
      name: "Ray's --dashboard-host=0.0.0.0",
      status: 'fail',
      files: unit('/opt/ray/bin/ray start --head --node-ip-address=127.0.0.1 --dashboard-host=0.0.0.0 --block'),
      includes: [/ray .* binds 0\.0\.0\.0 for port 8265 \(dashboard and Jobs API\) \(--dashboard-host 0\.0\.0\.0\)/],
    },
  ],
})

checkTester.run(inferenceArgs, {
  valid: [
    {
      name: 'TRUST_REMOTE_CODE=false for TGI',
      files: unit(
        '/usr/bin/docker run -e TRUST_REMOTE_CODE=false ghcr.io/huggingface/text-generation-inference --model-id m',
      ),
      params: trc,
    },
    {name: 'a container without the flag', files: unit('/usr/bin/docker run vllm/vllm-openai --model m'), params: trc},
  ],
  invalid: [
    {
      name: 'a docker run unit of vllm/vllm-openai with --trust-remote-code',
      status: 'fail',
      files: dockerVllm,
      params: trc,
      evidence: ['vllm (/etc/systemd/system/llm.service) is started with --trust-remote-code'],
    },
    {
      name: '--trust_remote_code is the same flag to argparse',
      status: 'fail',
      files: unit('/opt/venv/bin/vllm serve m --trust_remote_code'),
      params: trc,
      evidence: ['vllm (/etc/systemd/system/llm.service) is started with --trust_remote_code'],
    },
    {
      name: 'TGI takes TRUST_REMOTE_CODE=true from the environment (Compose)',
      status: 'fail',
      files: compose,
      params: trc,
      evidence: ['tgi (/opt/stack/compose.yaml#tgi) is started with TRUST_REMOTE_CODE=true'],
    },
    {
      name: 'TGI takes TRUST_REMOTE_CODE from the unit environment too',
      status: 'fail',
      files: unit('/usr/bin/text-generation-launcher --model-id m', 'Environment=TRUST_REMOTE_CODE=1\n'),
      params: trc,
    },
    {
      name: 'docker run -e TRUST_REMOTE_CODE passes the unit value through',
      status: 'fail',
      files: unit(
        '/usr/bin/docker run -e TRUST_REMOTE_CODE ghcr.io/huggingface/text-generation-inference --model-id m',
        'Environment=TRUST_REMOTE_CODE=yes\n',
      ),
      params: trc,
    },
  ],
})

checkTester.run(inferenceUser, {
  valid: [
    {name: 'docker run --user', files: unit('/usr/bin/docker run --user 1000:1000 vllm/vllm-openai --model m')},
    {name: 'rootless podman as the unit user', files: unit('/usr/bin/podman run vllm/vllm-openai', 'User=llm\n')},
  ],
  invalid: [{name: 'a Docker container runs as root by default', status: 'fail', files: dockerVllm}],
})

checkTester.run(unitSecrets, {
  valid: [
    {
      name: 'an API key read from a file',
      files: unit('/opt/venv/bin/vllm serve m --api-key-file /etc/vllm/key'),
    },
  ],
  invalid: [
    {
      name: '--api-key sk-… in ExecStart= is in the process table',
      status: 'fail',
      files: unit('/opt/venv/bin/vllm serve m --api-key sk-abcdef0123456789'),
      evidence: ['/etc/systemd/system/llm.service: ExecStart= passes --api-key *** on the command line'],
    },
    {
      name: 'docker run -e HF_TOKEN=… in ExecStart=',
      status: 'fail',
      files: unit('/usr/bin/docker run -e HF_TOKEN=hf_abcdefghijkl vllm/vllm-openai --model m'),
      evidence: ['/etc/systemd/system/llm.service: ExecStart= passes -e HF_TOKEN=*** on the command line'],
    },
  ],
})
