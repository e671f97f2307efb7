import {check} from '../../../../src/audit/checks/inference-unit-sandbox.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const vllm = (lines: string) => ({
  '/etc/systemd/system/vllm.service': `[Service]\nExecStart=/usr/bin/vllm serve m\nUser=vllm\n${lines}`,
})
const dropIn = (lines: string) => ({'/etc/systemd/system/vllm.service.d/x.conf': `[Service]\n${lines}`})
const nnp = {
  directive: 'NoNewPrivileges',
  require: 'one-of' as const,
  values: ['yes', 'true'],
  fix: ['NoNewPrivileges=yes'],
}
const caps = {directive: 'CapabilityBoundingSet', require: 'empty' as const, fix: ['CapabilityBoundingSet=']}
const mem = {directive: 'MemoryMax', require: 'limit' as const, fix: ['MemoryMax=90%']}
const gpu = {
  directive: 'DeviceAllow',
  require: 'devices' as const,
  values: ['/dev/nvidia'],
  fix: ['DevicePolicy=closed'],
}

checkTester.run(check, {
  valid: [
    {
      name: 'a drop-in sets the directive (case-insensitive value)',
      files: {...vllm('NoNewPrivileges=no\n'), ...dropIn('NoNewPrivileges=Yes\n')},
      params: nnp,
      evidence: ['vllm (/etc/systemd/system/vllm.service): NoNewPrivileges as required'],
    },
    {
      name: 'an empty capability set last',
      files: vllm('CapabilityBoundingSet=CAP_NET_ADMIN\nCapabilityBoundingSet=\n'),
      params: caps,
    },
    {name: 'a memory limit', files: vllm('MemoryMax=64G\n'), params: mem},
    {
      // systemd.unit(5): drop-ins from all directories apply in name order, so /etc's 90-harden.conf
      // comes after /usr/lib's 10-vendor.conf and wins; reading directory by directory got it backwards.
      name: 'an admin drop-in later in name order than the vendor one wins',
      files: {
        ...vllm(''),
        '/etc/systemd/system/vllm.service.d/90-harden.conf': '[Service]\nNoNewPrivileges=yes\n',
        '/usr/lib/systemd/system/vllm.service.d/10-vendor.conf': '[Service]\nNoNewPrivileges=no\n',
      },
      params: nnp,
    },
    {
      name: 'a closed policy with GPU nodes only (entries before a reset are dropped)',
      files: vllm('DevicePolicy=closed\nDeviceAllow=/dev/sda rw\nDeviceAllow=\nDeviceAllow=/dev/nvidia0 rw\n'),
      params: gpu,
    },
  ],
  invalid: [
    {
      name: 'a drop-in turns it off again',
      status: 'fail',
      files: {...vllm('NoNewPrivileges=yes\n'), ...dropIn('NoNewPrivileges=no\n')},
      params: nnp,
      evidence: ['vllm (/etc/systemd/system/vllm.service): NoNewPrivileges=no, wanted yes or true'],
      location: '/etc/systemd/system/vllm.service',
    },
    {
      name: 'a same-named /usr/lib drop-in is replaced by the /etc one, not applied too',
      status: 'fail',
      files: {
        ...vllm(''),
        '/usr/lib/systemd/system/vllm.service.d/50-x.conf': '[Service]\nNoNewPrivileges=yes\n',
        '/etc/systemd/system/vllm.service.d/50-x.conf': '[Service]\nUser=vllm\n',
      },
      params: nnp,
    },
    {name: 'not set', status: 'fail', files: vllm(''), params: nnp, evidence: [/: not set, wanted yes or true$/]},
    {
      name: 'a capability after the reset',
      status: 'fail',
      files: vllm('CapabilityBoundingSet=\nCapabilityBoundingSet=CAP_SYS_ADMIN\n'),
      params: caps,
    },
    {name: 'MemoryMax=infinity', status: 'fail', files: vllm('MemoryMax=infinity\n'), params: mem},
    {
      name: 'no device policy',
      status: 'fail',
      files: vllm('DeviceAllow=/dev/nvidia0 rw\n'),
      params: gpu,
      evidence: [/DevicePolicy=auto \(not set\), wanted closed or strict$/],
    },
    {
      name: 'a disk beside the GPU',
      status: 'fail',
      files: vllm('DevicePolicy=strict\nDeviceAllow=/dev/nvidia0 rw\nDeviceAllow=/dev/sda r\n'),
      params: gpu,
      evidence: [/DeviceAllow=\/dev\/sda r beyond \/dev\/nvidia$/],
    },
    {
      name: 'no inference runtime',
      status: 'not-applicable',
      files: {'/etc/systemd/system/a.service': '[Service]\nExecStart=/bin/true\n'},
      params: nnp,
    },
    {
      name: 'an unreadable drop-in could change the setting',
      status: 'error',
      files: vllm('NoNewPrivileges=yes\n'),
      params: nnp,
      facts: {
        systemd: {
          installed: true,
          running: false,
          units: [],
          masked: [],
          unreadable: [denied('/etc/systemd/system/vllm.service.d/x.conf')],
        },
      },
      reason: /^cannot read \/etc\/systemd\/system\/vllm\.service\.d\/x\.conf/,
    },
  ],
  invalidParams: [
    {directive: 'no-new', require: 'one-of' as const, fix: ['X=1']},
    {directive: 'NoNewPrivileges', require: 'some', fix: ['NoNewPrivileges=yes']},
    {directive: 'NoNewPrivileges', require: 'limit' as const, fix: []},
  ],
})
