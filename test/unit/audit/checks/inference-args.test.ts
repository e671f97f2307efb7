import {check} from '../../../../src/audit/checks/inference-args.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {
  '/etc/systemd/system/vllm.service':
    '[Service]\nExecStart=/opt/venv/bin/vllm serve Qwen/Qwen2 \\\n  --trust-remote-code --port 8000\n',
}

checkTester.run(check, {
  valid: [{name: 'without the flag', files, params: {forbidden: ['--enable-debug']}}],
  invalid: [
    {
      name: 'a forbidden flag in ExecStart= (with line continuation)',
      status: 'fail',
      files,
      params: {forbidden: ['--trust-remote-code']},
      evidence: ['vllm (/etc/systemd/system/vllm.service) is started with --trust-remote-code'],
    },
    {
      name: 'no service of the runtimes',
      status: 'not-applicable',
      files,
      params: {forbidden: ['--x'], runtimes: ['tgi']},
      reason: 'no tgi service found',
    },
    {
      name: 'no inference runtime at all (appliesWhen inference-runtime)',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params: {forbidden: ['--x']},
      reason: /^no inference runtime found/,
    },
  ],
  invalidParams: [{forbidden: []}, {forbidden: ['trust-remote-code']}, {forbidden: ['--x'], runtimes: ['nope']}],
})
