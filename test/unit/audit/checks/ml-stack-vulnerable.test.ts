import {check} from '../../../../src/audit/checks/ml-stack-vulnerable.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

const site = '/srv/env/lib/python3.12/site-packages'

checkTester.run(check, {
  valid: [{name: 'torch and vllm at their fixed versions', files: vulnRootSpec(UPGRADED)}],
  invalid: [
    {
      name: 'torch 2.5.1 and vllm 0.8.4 used by vllm.service',
      status: 'fail',
      files: vulnRootSpec(),
      evidence: [
        /^torch 2\.5\.1 \(\/opt\/vllm\/venv\): GHSA-53q9-r3pm-6pq6 CVE-2025-32434; fixed in 2\.6\.0; used by vllm\.service$/,
        /^vllm 0\.8\.4 \(\/opt\/vllm\/venv\): GHSA-hjq4-87xh-g4fv CVE-2025-47277; fixed in 0\.8\.5; used by vllm\.service$/,
      ],
    },
    {
      name: 'a version that is not PEP 440 is not taken as fixed',
      status: 'error',
      files: {[`${site}/torch-x.dist-info/METADATA`]: 'Name: torch\nVersion: two point six\n'},
      reason: /torch: version "two point six" is not a valid PEP 440 version/,
    },
    {
      name: 'no environment at all',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      reason: /no Python environment/,
    },
  ],
})
