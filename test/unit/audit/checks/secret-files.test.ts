import {check} from '../../../../src/audit/checks/secret-files.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {
  '/etc/passwd': 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:1000::/home/carol:/bin/bash\n',
  '/home/carol/.cache/huggingface/token': {content: 'hf_x', mode: 0o644},
  '/root/.huggingface/token': {content: 'hf_y', mode: 0o600},
  '/etc/systemd/system/tgi.service':
    '[Service]\nExecStart=/usr/bin/text-generation-launcher\nEnvironmentFile=/etc/tgi.env\nWorkingDirectory=/srv/tgi\n',
  '/etc/tgi.env': {content: 'HF_TOKEN=hf_z\n', mode: 0o640},
  '/srv/tgi/.env': {content: 'A=1\n', mode: 0o600},
}

checkTester.run(check, {
  valid: [
    {
      name: 'a looser limit, listing what it saw',
      files,
      params: {maxMode: '0644'},
      includes: ['/srv/tgi/.env (.env next to tgi.service) mode 0600'],
    },
    {
      name: 'no secret files at all',
      files: {'/etc/hostname': 'h\n'},
      evidence: ['no token, key or service environment files found'],
    },
  ],
  invalid: [
    {
      name: 'world/group-readable tokens and service environment files',
      status: 'fail',
      files,
      params: {maxMode: '0600'},
      evidence: [
        '/etc/tgi.env (environment file of tgi.service) mode 0640: allowed at most 0600',
        '/home/carol/.cache/huggingface/token (Hugging Face token) mode 0644: allowed at most 0600',
      ],
    },
    {
      name: 'a home that /etc/passwd does not list (or a root without passwd) is still searched',
      status: 'fail',
      files: {'/home/gone/.cache/huggingface/token': {content: 'hf_x', mode: 0o644}},
      evidence: ['/home/gone/.cache/huggingface/token (Hugging Face token) mode 0644: allowed at most 0600'],
    },
  ],
  invalidParams: [{maxMode: '600x'}],
})
