import {check} from '../../../../src/audit/checks/unit-secrets.js'
import {checkTester} from '../../../helpers/check-tester.js'

checkTester.run(check, {
  valid: [
    {name: 'no secret-named values', files: {'/etc/systemd/system/a.service': '[Service]\nEnvironment=PORT=1\n'}},
  ],
  invalid: [
    {
      name: 'secret-named values, redacted; empty values and $-references ignored',
      status: 'fail',
      files: {
        '/etc/systemd/system/a.service':
          '[Service]\nEnvironment="OPENAI_API_KEY=sk-123" PORT=1\nEnvironment=HF_TOKEN=${CRED}\n',
        '/etc/systemd/system/b.service': '[Service]\nEnvironment=PASSWORD=\n',
      },
      // Exact evidence: the value sk-123 appears nowhere.
      evidence: ['/etc/systemd/system/a.service: Environment=OPENAI_API_KEY=***'],
    },
  ],
})
