import type {RuleCaseTable} from '../../../helpers/rule-tester.js'

const unit = (name: string, body: string) => ({[`/etc/systemd/system/${name}`]: `[Service]\n${body}`})
const vllm = (args: string) => unit('vllm.service', `ExecStart=/usr/bin/vllm serve m ${args}\nUser=vllm\n`)
/** vLLM's unit with the given [Service] lines in a drop-in. */
const sandboxed = (lines: string) => ({
  ...vllm(''),
  '/etc/systemd/system/vllm.service.d/sandbox.conf': `[Service]\n${lines}`,
})

/** LLM and AI services: the rules' crafted roots (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
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
