import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {generateKeyPairPem, signModel} from '../../src/artifacts/index.js'
import {buildRoot, PICKLE_BYTES, safetensorsBytes, type RootSpec} from './rootfs.js'

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'ollama:x:999:999::/usr/share/ollama:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice:/home/alice:/bin/bash',
  '',
].join('\n')
const GROUP = ['root:x:0:', 'ollama:x:999:', 'alice:x:1000:', 'video:x:44:ollama', ''].join('\n')

function dpkgStatus(packages: [string, string][]): string {
  return packages
    .map(([name, version]) => `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n`)
    .join('\n')
}

const common: RootSpec = {
  '/etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  '/etc/passwd': PASSWD,
  '/etc/group': GROUP,
  '/lib/systemd/systemd': {content: '', mode: 0o755},
  '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n',
  '/etc/shadow': {content: 'root:*:19700:0:99999:7:::\nollama:!:19700::::::\nalice:!:19700:1:365:7:30::\n', mode: 0o640},
}

/**
 * A careless LLM host: Ollama as root on 0.0.0.0 with OLLAMA_ORIGINS=*, a world-readable Hugging
 * Face token, a pickle checkpoint, no firewall configuration, no auditd, password SSH log-ins.
 */
export function buildCarelessRoot(): Promise<string> {
  return buildRoot({
    ...common,
    '/var/lib/dpkg/status': dpkgStatus([
      ['openssh-server', '1:9.2p1-2'],
      ['ollama-deps', '1.0'],
    ]),
    '/etc/systemd/system/ollama.service': [
      '[Unit]',
      'Description=Ollama Service',
      '[Service]',
      'ExecStart=/usr/local/bin/ollama serve',
      'Environment="OLLAMA_HOST=0.0.0.0" "OLLAMA_ORIGINS=*"',
      'Environment=HF_TOKEN=hf_abcdefghijklmnop',
      'Restart=always',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'),
    '/etc/systemd/system/multi-user.target.wants/ollama.service': {link: '/etc/systemd/system/ollama.service'},
    '/etc/ssh/sshd_config.d/50-cloud.conf': 'PermitRootLogin yes\nPasswordAuthentication yes\n',
    '/home/alice/.cache/huggingface/token': {content: 'hf_abcdefghijklmnopqrstuvwxyz\n', mode: 0o644},
    '/srv/models': {dir: 0o777},
    '/srv/models/llama-ft/pytorch_model.bin': {content: PICKLE_BYTES, mode: 0o666},
    '/etc/login.defs': 'UMASK 022\n',
    // apt (essential on Debian) ships its upgrade timer enabled; unattended-upgrades is what is missing.
    '/lib/systemd/system/apt-daily-upgrade.timer': '[Timer]\nOnCalendar=*-*-* 6:00\n',
    '/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer': {
      link: '/lib/systemd/system/apt-daily-upgrade.timer',
    },
  })
}

/**
 * The llmsec.yaml of the hardened root (`--config`): the signing key its model was signed with,
 * as an auditor would configure trust.
 */
export const hardenedConfig = (root: string) => join(root, 'llmsec.yaml')

/**
 * A hardened LLM host: every file-based rule of the built-in rulesets passes (audited with
 * `--config hardenedConfig(root)`, which trusts the key its model is signed with).
 */
export async function buildHardenedRoot(): Promise<string> {
  const root = await buildHardenedFiles()
  const pair = generateKeyPairPem('ecdsa-p256')
  await writeFile(join(root, 'signing-private.pem'), pair.privatePem, {mode: 0o600})
  await writeFile(join(root, 'signing-public.pem'), pair.publicPem)
  await signModel(join(root, 'srv/models/llama'), {key: join(root, 'signing-private.pem')})
  await writeFile(hardenedConfig(root), `signing:\n  publicKey: ${join(root, 'signing-public.pem')}\n`)
  return root
}

function buildHardenedFiles(): Promise<string> {
  const wants = '/etc/systemd/system/multi-user.target.wants'
  return buildRoot({
    ...common,
    '/var/lib/dpkg/status': dpkgStatus([
      ['openssh-server', '1:9.2p1-2'],
      ['unattended-upgrades', '2.9.1'],
      ['auditd', '1:3.0.9-1'],
      ['chrony', '4.3-2'],
      ['nftables', '1.0.6-2'],
    ]),
    '/etc/systemd/system/ollama.service': [
      '[Service]',
      'ExecStart=/usr/local/bin/ollama serve',
      'User=ollama',
      'Group=ollama',
      'Environment="OLLAMA_HOST=127.0.0.1:11434" DO_NOT_TRACK=1',
      'EnvironmentFile=-/etc/ollama/env',
      '',
    ].join('\n'),
    '/etc/ollama/env': {content: 'OLLAMA_KEEP_ALIVE=5m\n', mode: 0o600},
    [`${wants}/ollama.service`]: {link: '/etc/systemd/system/ollama.service'},
    '/lib/systemd/system/nftables.service': '[Service]\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n',
    [`${wants}/nftables.service`]: {link: '/lib/systemd/system/nftables.service'},
    '/lib/systemd/system/chrony.service': '[Service]\nExecStart=/usr/sbin/chronyd\n',
    [`${wants}/chrony.service`]: {link: '/lib/systemd/system/chrony.service'},
    '/etc/nftables.conf': [
      'table inet filter {',
      '  chain input {',
      '    type filter hook input priority 0; policy drop;',
      '    iif lo accept',
      '    ct state established,related accept',
      '    tcp dport 22 accept',
      '  }',
      '}',
      '',
    ].join('\n'),
    '/sbin/auditd': {content: '', mode: 0o755},
    '/lib/systemd/system/auditd.service': '[Service]\nExecStart=/sbin/auditd\n',
    [`${wants}/auditd.service`]: {link: '/lib/systemd/system/auditd.service'},
    '/lib/systemd/system/apt-daily-upgrade.timer': '[Timer]\nOnCalendar=*-*-* 6:00\n',
    '/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer': {
      link: '/lib/systemd/system/apt-daily-upgrade.timer',
    },
    '/etc/audit/rules.d/llmsec.rules': '-w /etc/ssh/sshd_config -p wa -k sshd\n-w /srv/models -p rwa -k llm-models\n',
    '/var/log/audit': {dir: 0o700},
    '/var/log/audit/audit.log': {content: '', mode: 0o600},
    '/etc/systemd/journald.conf': '[Journal]\nStorage=persistent\nMaxRetentionSec=1year\n',
    '/var/log/journal': {dir: 0o755},
    '/etc/logrotate.conf': 'weekly\nrotate 52\n',
    '/etc/apt/apt.conf.d/20auto-upgrades':
      'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
    '/etc/ssh/sshd_config': {content: 'Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n', mode: 0o600},
    '/etc/ssh/sshd_config.d/10-llmsec.conf': {
      content: [
        'PermitRootLogin no',
        'PasswordAuthentication no',
        'ClientAliveInterval 300',
        'Banner /etc/issue.net',
        'DisableForwarding yes',
        'LoginGraceTime 60',
        'MaxAuthTries 4',
        'MaxStartups 10:30:60',
        'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com',
        '',
      ].join('\n'),
      mode: 0o600,
    },
    '/etc/default/useradd': 'INACTIVE=30\n',
    '/etc/sysctl.d/60-llmsec.conf': 'kernel.kptr_restrict = 2\nkernel.unprivileged_bpf_disabled = 1\n',
    '/etc/modprobe.d/llmsec-usb.conf': 'install usb-storage /bin/false\n',
    '/etc/pam.d/common-auth': [
      'auth required pam_faillock.so preauth',
      'auth [success=1 default=ignore] pam_unix.so',
      'auth [default=die] pam_faillock.so authfail',
      'auth requisite pam_deny.so',
      'auth required pam_permit.so',
      '',
    ].join('\n'),
    '/var/lib/aide/aide.db': 'aide database',
    '/etc/login.defs': 'UMASK 027\nPASS_MAX_DAYS 365\nPASS_MIN_DAYS 1\nENCRYPT_METHOD YESCRYPT\n',
    '/etc/issue.net': 'Authorised use only. Activity is monitored.\n',
    '/etc/crypttab': 'models_crypt UUID=0b4c-11 none luks\n',
    '/etc/fstab': 'UUID=0b4c-01 / ext4 errors=remount-ro 0 1\n/dev/mapper/models_crypt /srv/models ext4 defaults 0 2\n',
    '/home/alice/.cache/huggingface/token': {content: 'hf_abcdefghijklmnopqrstuvwxyz\n', mode: 0o600},
    '/home/alice/.ollama/history': {content: 'hello\n', mode: 0o600},
    '/srv/models': {dir: 0o750},
    '/srv/models/llama': {dir: 0o750},
    '/srv/models/llama/model.safetensors': {content: safetensorsBytes(), mode: 0o640},
  })
}

/** Rule ids the careless root must fail in the baseline ruleset. */
export const CARELESS_FAILURES = [
  'inference-bind-loopback',
  'ollama-origins-restricted',
  'inference-not-root',
  'secret-files-private',
  'no-secrets-in-units',
  'no-pickle-models',
  'firewall-configured',
  'auditd-active',
  'ssh-no-root-login',
  'ssh-no-password-auth',
  'models-not-world-writable',
]
