import {check} from '../../../../src/audit/checks/model-encryption.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const plain = {'/srv/models/m.safetensors': safetensorsBytes()}
const root = 'UUID=0b4c-root / ext4 errors=remount-ro 0 1\n'

checkTester.run(check, {
  valid: [
    {
      name: 'the model directory is mounted from a LUKS mapping of crypttab',
      files: {
        ...plain,
        '/etc/crypttab': '# c\nmodels_crypt UUID=0b4c-11 none luks\n',
        '/etc/fstab': `${root}/dev/mapper/models_crypt /srv/models ext4 defaults 0 2\n`,
      },
      evidence: [
        '/srv/models: on /srv/models from /dev/mapper/models_crypt, dm-crypt crypttab models_crypt (UUID=0b4c-11)',
      ],
    },
    {
      name: 'an LVM volume on a LUKS mapping, through a bind mount',
      files: {
        ...plain,
        '/etc/crypttab': 'sda3_crypt UUID=77 none luks,discard\n',
        '/etc/fstab': `/dev/mapper/vg--0-data /data ext4 defaults 0 2\n/data/models /srv/models none bind 0 0\n`,
        '/etc/lvm/backup/vg-0':
          'vg-0 {\n physical_volumes {\n  pv0 {\n   device = "/dev/mapper/sda3_crypt"\n  }\n }\n}\n',
      },
      includes: [/LVM volume group vg-0 on crypttab sda3_crypt/],
    },
    {name: 'llmsec-encrypted files', files: {'/srv/models/m.safetensors.llmsec': 'LLMSEC\u001a\n\u0001...'}},
  ],
  invalid: [
    {
      name: 'a swap-only crypttab line (key from /dev/urandom) does not encrypt /srv/models',
      status: 'fail',
      files: {
        ...plain,
        '/etc/crypttab': 'cswap /dev/sda2 /dev/urandom swap,cipher=aes-xts-plain64,size=256\n',
        '/etc/fstab': `${root}/dev/mapper/cswap none swap sw 0 0\n`,
      },
      evidence: ['/srv/models: on / from UUID=0b4c-root, not a dm-crypt device'],
    },
    {
      name: 'an encrypted volume elsewhere does not encrypt the models',
      status: 'fail',
      files: {
        ...plain,
        '/etc/crypttab': 'home_crypt UUID=9 none luks\n',
        '/etc/fstab': `${root}/dev/mapper/home_crypt /home ext4 defaults 0 2\n`,
      },
    },
    {
      name: '/srv/m is no mount point for /srv/models (path boundary)',
      status: 'fail',
      files: {
        ...plain,
        '/etc/crypttab': 'm_crypt UUID=9 none luks\n',
        '/etc/fstab': `${root}/dev/mapper/m_crypt /srv/m ext4 defaults 0 2\n`,
      },
    },
    {
      name: 'a directory listed in params that is not encrypted',
      status: 'fail',
      files: {
        ...plain,
        '/etc/crypttab': 'models_crypt UUID=0b4c-11 none luks\n',
        '/etc/fstab': `${root}/dev/mapper/models_crypt /srv/models ext4 defaults 0 2\n`,
      },
      params: {paths: ['/var/log']},
      includes: ['/var/log: on / from UUID=0b4c-root, not a dm-crypt device'],
    },
    {
      name: 'plain files without fstab',
      status: 'fail',
      files: plain,
      evidence: ['/srv/models: no fstab entry mounts it (not on a dm-crypt device)'],
    },
  ],
  invalidParams: [{paths: ['relative']}],
})
