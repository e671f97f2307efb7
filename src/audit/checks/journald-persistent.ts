import {live, withFix} from '../fixes.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'

export const check = defineCheck<NoParams>()({
  id: 'journald-persistent',
  title: 'The journal is stored persistently',
  description: 'Storage=persistent, or Storage=auto with /var/log/journal present; otherwise logs vanish at reboot.',
  appliesWhen: ['systemd'],
  params: NO_PARAMS,
  async run({facts}) {
    const j = await facts.get('journald')
    const seen = `Storage=${j.storage}${j.files.length ? ` (${j.files.at(-1)})` : ' (default)'}, /var/log/journal ${j.persistentDirExists ? 'exists' : 'is absent'}`
    const persistent = j.storage === 'persistent' || (j.storage === 'auto' && j.persistentDirExists)
    return guardUnreadable(
      persistent
        ? outcome.pass([seen], j.files.at(-1))
        : withFix(outcome.fail([seen], j.files.at(-1)), {
            edits: [
              {
                op: 'write',
                path: '/etc/systemd/journald.conf.d/llmsec-storage.conf',
                content: '[Journal]\nStorage=persistent\n',
              },
            ],
            commands: [live('systemctl restart systemd-journald')],
          }),
      j.unreadable,
    )
  },
})
