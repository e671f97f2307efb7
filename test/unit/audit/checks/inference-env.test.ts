import {check} from '../../../../src/audit/checks/inference-env.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {
  '/etc/systemd/system/ollama.service':
    '[Service]\nExecStart=/usr/bin/ollama serve\nEnvironmentFile=/etc/default/ollama\n',
  '/etc/default/ollama': 'export OLLAMA_ORIGINS="*"\nDO_NOT_TRACK=1\n',
  '/etc/systemd/system/vllm.service': '[Service]\nExecStart=/usr/bin/vllm serve m\nEnvironment=VLLM_NO_USAGE_STATS=0\n',
}

checkTester.run(check, {
  valid: [
    {
      name: 'a required value read from EnvironmentFile=',
      files,
      params: {variable: 'DO_NOT_TRACK', required: ['1'], runtimes: ['ollama']},
      evidence: ['ollama (/etc/systemd/system/ollama.service): DO_NOT_TRACK=1'],
    },
  ],
  invalid: [
    {
      name: 'a forbidden value from EnvironmentFile=',
      status: 'fail',
      files,
      params: {variable: 'OLLAMA_ORIGINS', forbidden: ['*'], runtimes: ['ollama']},
      evidence: ['ollama (/etc/systemd/system/ollama.service): OLLAMA_ORIGINS=*'],
      location: '/etc/systemd/system/ollama.service',
    },
    {
      name: 'a wrong required value',
      status: 'fail',
      files,
      params: {variable: 'VLLM_NO_USAGE_STATS', required: ['1'], runtimes: ['vllm']},
    },
    {
      name: 'unset with unset: fail',
      status: 'fail',
      files,
      params: {variable: 'DO_NOT_TRACK', required: ['1'], unset: 'fail'},
      includes: ['vllm (/etc/systemd/system/vllm.service): DO_NOT_TRACK is not set'],
    },
    {
      name: 'no service of the runtimes',
      status: 'not-applicable',
      files,
      params: {variable: 'X', required: ['1'], runtimes: ['tgi']},
      reason: 'no tgi service found',
    },
    {
      // "not set" would be a guess: the unread EnvironmentFile= may set it.
      name: 'a service whose EnvironmentFile= could not be read',
      status: 'error',
      params: {variable: 'OLLAMA_ORIGINS', forbidden: ['*']},
      facts: {
        inference: [
          {
            runtime: 'ollama',
            source: 'unit',
            location: '/etc/systemd/system/ollama.service',
            user: 'ollama',
            environment: {},
            unreadable: [denied('/etc/default/ollama')],
            args: ['/usr/bin/ollama', 'serve'],
          },
        ],
      },
      reason: /^cannot read \/etc\/default\/ollama/,
    },
  ],
  invalidParams: [{}, {variable: '1X'}, {variable: 'X', unset: 'skip'}],
})
