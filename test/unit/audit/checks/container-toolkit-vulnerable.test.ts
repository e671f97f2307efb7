import {check} from '../../../../src/audit/checks/container-toolkit-vulnerable.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

const toolkit = (version: string) => ({
  '/var/lib/dpkg/status': `Package: nvidia-container-toolkit\nStatus: install ok installed\nVersion: ${version}\n`,
})

checkTester.run(check, {
  valid: [
    {name: 'toolkit 1.17.8', files: vulnRootSpec(UPGRADED)},
    {name: 'a later release', files: toolkit('1.18.0-1')},
  ],
  invalid: [
    {
      name: 'toolkit 1.16.1 (CVE-2024-0132, CVE-2025-23266)',
      status: 'fail',
      files: vulnRootSpec(),
      evidence: [
        /^nvidia-container-toolkit 1\.16\.1 \(.*\): CVE-2024-0132 CVE-2024-0134 CVE-2025-23359 CVE-2025-23266; fixed in 1\.17\.8$/,
      ],
    },
    // A release candidate of the fix still has the flaw.
    {name: 'a pre-release of 1.17.8', status: 'fail', files: toolkit('1.17.8~rc.1-1')},
    {name: 'not installed', status: 'not-applicable', files: {'/var/lib/dpkg/status': ''}, reason: /not installed/},
  ],
})
