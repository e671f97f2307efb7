import {check} from '../../../../src/audit/checks/inference-user.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {
  '/etc/systemd/system/ollama.service': '[Service]\nExecStart=/usr/local/bin/ollama serve\nUser=ollama\n',
  '/etc/systemd/system/vllm.service':
    '[Service]\nExecStart=/opt/venv/bin/python -m vllm.entrypoints.openai.api_server\n',
}

checkTester.run(check, {
  valid: [
    {
      name: 'every service has an unprivileged user',
      files,
      facts: {
        inference: [
          {
            runtime: 'ollama',
            source: 'unit',
            location: '/x',
            user: 'ollama',
            environment: {},
            unreadable: [],
            args: [],
          },
        ],
      },
    },
    {
      name: 'User= set in a unit',
      files: {'/etc/systemd/system/ollama.service': files['/etc/systemd/system/ollama.service']},
      evidence: ['ollama (/etc/systemd/system/ollama.service) runs as ollama'],
    },
  ],
  invalid: [
    {
      name: 'a unit without User= runs as root, named',
      status: 'fail',
      files,
      evidence: ['vllm (/etc/systemd/system/vllm.service) runs as root'],
      location: '/etc/systemd/system/vllm.service',
    },
  ],
})
