import {check} from '../../../../src/audit/checks/model-inactive.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const old = {content: safetensorsBytes(), ageDays: 200}
const unit = (exec: string, extra = '') => ({
  '/etc/systemd/system/vllm.service': `[Service]\nUser=vllm\nExecStart=${exec}\n${extra}`,
})

checkTester.run(check, {
  valid: [
    {
      name: 'an old model served by the unit (its directory on the command line)',
      files: {...unit('/opt/vllm/bin/vllm serve /srv/models/m'), '/srv/models/m/w.safetensors': old},
      params: {days: 90},
    },
    {
      name: 'an old model named by the environment (OLLAMA_MODELS)',
      files: {
        '/etc/systemd/system/ollama.service':
          '[Service]\nExecStart=/usr/bin/ollama serve\nEnvironment=OLLAMA_MODELS=/srv/models/ollama\n',
        '/srv/models/ollama/blobs/sha256-1': {
          content: Buffer.from('GGUF\x03\x00\x00\x00' + '\0'.repeat(64), 'latin1'),
          ageDays: 300,
        },
      },
      params: {days: 90},
    },
    {
      name: 'an unreferenced model read last week',
      files: {'/srv/models/x/w.safetensors': {content: safetensorsBytes(), ageDays: 7}},
      params: {days: 90},
    },
  ],
  invalid: [
    {
      name: 'an old model no service names',
      status: 'fail',
      files: {...unit('/opt/vllm/bin/vllm serve /srv/models/m'), '/srv/models/old/w.safetensors': old},
      params: {days: 90},
      evidence: [/^\/srv\/models\/old\/w\.safetensors: no service names it; last read 200 days ago$/],
      location: '/srv/models/old/w.safetensors',
    },
    {
      // A command line with `/srv` would otherwise cover every model and hide the unused one.
      name: 'a unit naming only a top-level directory does not keep every model active',
      status: 'fail',
      files: {...unit('/usr/bin/tool --data /srv'), '/srv/models/old/w.safetensors': old},
      params: {days: 90},
    },
    {
      name: 'a prefix that is not a directory boundary (/srv/models/m vs /srv/models/m2)',
      status: 'fail',
      files: {...unit('/opt/vllm/bin/vllm serve /srv/models/m'), '/srv/models/m2/w.safetensors': old},
      params: {days: 90},
    },
  ],
})
