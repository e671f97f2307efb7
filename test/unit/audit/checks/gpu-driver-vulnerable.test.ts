import {check} from '../../../../src/audit/checks/gpu-driver-vulnerable.js'
import {checkTester} from '../../../helpers/check-tester.js'

const driver = (name: string, version: string) => ({
  '/var/lib/dpkg/status': `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n`,
})

checkTester.run(check, {
  valid: [
    {name: 'R550 at its fixed version', files: driver('nvidia-driver', '550.144.03-1')},
    {
      name: 'R535 at its fixed version (Ubuntu package name)',
      files: driver('nvidia-driver-535-server', '535.230.02-0ubuntu1'),
    },
  ],
  invalid: [
    {
      name: 'R550 below its fix',
      status: 'fail',
      files: driver('nvidia-driver', '550.127.05-1'),
      evidence: [/^nvidia-driver 550\.127\.05 \(.*\): CVE-2024-0150 .*; fixed in 550\.144\.03$/],
    },
    // An end-of-life branch between two fixed ones is not taken as fixed.
    {name: 'an unlisted branch between fixed ones', status: 'fail', files: driver('nvidia-kernel-dkms', '545.29.06-1')},
    {name: 'no driver', status: 'not-applicable', files: {'/var/lib/dpkg/status': ''}, reason: /no NVIDIA driver/},
  ],
})
