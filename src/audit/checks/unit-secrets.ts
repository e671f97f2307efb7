import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'

const SECRET_NAME = /(TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i

export const check = defineCheck<NoParams>()({
  id: 'unit-secrets',
  title: 'No plaintext secrets in systemd unit files',
  description:
    'Environment= lines of unit files are world-readable (systemctl show prints them to any user); secrets belong in LoadCredential= or a 0600 EnvironmentFile.',
  params: NO_PARAMS,
  async run({facts}) {
    const {units, unreadable} = await facts.get('systemd')
    const found: {line: string; path: string}[] = []
    for (const unit of units) {
      for (const line of unit.sections.Service?.Environment ?? []) {
        for (const match of line.matchAll(/"?([A-Za-z_][A-Za-z0-9_]*)=([^\s"]*)/g)) {
          if (SECRET_NAME.test(match[1]) && match[2] !== '' && !match[2].startsWith('$'))
            found.push({line: `${unit.path}: Environment=${match[1]}=***`, path: unit.path})
        }
      }
    }
    const verdict = found.length
      ? outcome.fail(
          found.map((f) => f.line),
          found[0].path,
        )
      : outcome.pass([`${units.length} unit files, no secret-looking Environment= values`])
    return guardUnreadable(verdict, unreadable, true)
  },
})
