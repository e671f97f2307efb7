import {readdir, readFile} from 'node:fs/promises'

import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {configLines, RootReader} from '../facts/index.js'

/** dm-crypt devices of the running host (their dm uuid starts with CRYPT-). */
async function liveCryptDevices(): Promise<string[]> {
  const names = await readdir('/sys/block').catch(() => [] as string[])
  const out: string[] = []
  for (const name of names.filter((n) => n.startsWith('dm-'))) {
    const uuid = await readFile(`/sys/block/${name}/dm/uuid`, 'utf8').catch(() => '')
    if (uuid.startsWith('CRYPT-')) out.push(`/dev/${name} (${uuid.trim().split('-')[1]})`)
  }
  return out
}

export const check = defineCheck<NoParams>()({
  id: 'model-encryption',
  title: 'Model files are encrypted at rest',
  description:
    'Passes when every model file is llmsec-encrypted, or the system has encrypted block devices (crypttab, dm-crypt).',
  appliesWhen: ['model-files'],
  params: NO_PARAMS,
  async run({root, live, facts}) {
    const reader = new RootReader(root)
    const {files, unreadable} = await facts.get('models')
    reader.note(...unreadable)
    const plain = files.filter((f) => f.format !== 'llmsec-encrypted')
    if (!plain.length)
      return guardUnreadable(outcome.pass([`all ${files.length} model files are llmsec-encrypted`]), reader.unreadable)
    const crypttab = configLines((await reader.text('/etc/crypttab')) ?? '').map(
      (l) => `crypttab: ${l.split(/\s+/).slice(0, 2).join(' ')}`,
    )
    const devices = live ? await liveCryptDevices() : []
    const volumes = [...crypttab, ...devices.map((d) => `dm-crypt: ${d}`)]
    const verdict = volumes.length
      ? outcome.pass([`${plain.length} model files are plain, but encrypted volumes exist`, ...volumes])
      : outcome.fail(
          [
            `${plain.length} of ${files.length} model files are neither llmsec-encrypted nor on an encrypted volume`,
            ...plain.slice(0, 5).map((f) => f.path),
          ],
          plain[0].path,
        )
    return guardUnreadable(verdict, reader.unreadable)
  },
})
