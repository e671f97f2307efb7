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
  '/etc/shadow': {
    content: 'root:*:19700:0:99999:7:::\nollama:!:19700::::::\nalice:!:19700:1:365:7:30::\n',
    mode: 0o640,
  },
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

/** The sandbox of the hardened inference unit. */
const SANDBOX = [
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'CapabilityBoundingSet=',
  'DevicePolicy=closed',
  'DeviceAllow=/dev/nvidia0 rw',
  'MemoryMax=48G',
  'TasksMax=512',
  'AppArmorProfile=ollama',
]
/** The hardened root's kernel parameters (CIS/Lynis profile). */
const SYSCTL: [string, string][] = [
  ['kernel.kptr_restrict', '2'],
  ['kernel.unprivileged_bpf_disabled', '1'],
  ['kernel.randomize_va_space', '2'],
  ['kernel.yama.ptrace_scope', '1'],
  ['fs.suid_dumpable', '0'],
  ['kernel.dmesg_restrict', '1'],
  ['fs.protected_hardlinks', '1'],
  ['fs.protected_symlinks', '1'],
  ['fs.protected_fifos', '2'],
  ['fs.protected_regular', '2'],
  ['kernel.sysrq', '0'],
  ['net.core.bpf_jit_harden', '2'],
  ['dev.tty.ldisc_autoload', '0'],
  ['net.ipv4.ip_forward', '0'],
  ['net.ipv6.conf.all.forwarding', '0'],
  ['net.ipv4.conf.all.send_redirects', '0'],
  ['net.ipv4.conf.default.send_redirects', '0'],
  ['net.ipv4.icmp_ignore_bogus_error_responses', '1'],
  ['net.ipv4.icmp_echo_ignore_broadcasts', '1'],
  ['net.ipv4.conf.all.accept_redirects', '0'],
  ['net.ipv4.conf.default.accept_redirects', '0'],
  ['net.ipv6.conf.all.accept_redirects', '0'],
  ['net.ipv4.conf.all.secure_redirects', '0'],
  ['net.ipv4.conf.all.rp_filter', '1'],
  ['net.ipv4.conf.all.accept_source_route', '0'],
  ['net.ipv6.conf.all.accept_source_route', '0'],
  ['net.ipv4.conf.all.log_martians', '1'],
  ['net.ipv4.tcp_syncookies', '1'],
  ['net.ipv6.conf.all.accept_ra', '0'],
]
/** Kernel modules the hardened root refuses to load. */
const MODULES = [
  'usb-storage',
  'cramfs',
  'freevxfs',
  'hfs',
  'hfsplus',
  'jffs2',
  'udf',
  'dccp',
  'tipc',
  'rds',
  'sctp',
  'firewire_core',
  'firewire_ohci',
  'firewire_sbp2',
  'thunderbolt',
  'squashfs',
]
const b64 = (calls: string) =>
  `-a always,exit -F arch=b64 -S ${calls} -F auid>=1000 -F auid!=unset\n-a always,exit -F arch=b32 -S ${calls} -F auid>=1000 -F auid!=unset\n`
const watch = (paths: string[], perm = 'wa') => paths.map((p) => `-w ${p} -p ${perm}\n`).join('')
/** The CIS audit event classes, model directory watches and the lock (-e 2). */
const AUDIT_RULES = [
  watch(['/etc/ssh/sshd_config', '/etc/sudoers', '/etc/sudoers.d', '/etc/localtime']),
  '-w /srv/models -p rwa -k llm-models\n',
  b64('adjtimex,settimeofday,clock_settime'),
  b64('sethostname,setdomainname'),
  watch(['/etc/issue', '/etc/issue.net', '/etc/hosts', '/etc/networks', '/etc/network']),
  b64('creat,open,openat,truncate,ftruncate'),
  watch([
    '/etc/passwd',
    '/etc/group',
    '/etc/shadow',
    '/etc/gshadow',
    '/etc/security/opasswd',
    '/etc/nsswitch.conf',
    '/etc/pam.d',
  ]),
  b64(
    'chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr',
  ),
  b64('mount'),
  watch(['/var/run/utmp', '/var/log/wtmp', '/var/log/btmp', '/var/log/lastlog', '/var/run/faillock']),
  b64('unlink,unlinkat,rename,renameat'),
  watch(['/etc/apparmor', '/etc/apparmor.d']),
  watch(['/usr/bin/chcon', '/usr/bin/setfacl', '/usr/bin/chacl', '/usr/sbin/usermod', '/usr/bin/kmod'], 'x'),
  b64('init_module,finit_module,delete_module'),
  '-e 2\n',
].join('')

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
      ['sudo', '1.9.13p3-1'],
      ['apparmor', '3.0.8-3'],
      ['rsyslog', '8.2302.0-1'],
      ['aide', '0.18.3-1'],
      ['aide-common', '0.18.3-1'],
      ['fail2ban', '1.0.2-2'],
      ['libpam-pwquality', '1.4.5-1'],
    ]),
    '/etc/apt/sources.list.d/debian.sources': [
      'Types: deb',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://deb.debian.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      '',
    ].join('\n'),
    // The security suite's list (apt-get update), at the installed version: nothing pending.
    '/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages':
      'Package: openssh-server\nVersion: 1:9.2p1-2\nArchitecture: amd64\n',
    '/etc/pam.d/common-password':
      'password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so obscure use_authtok yescrypt\npassword requisite pam_deny.so\npassword required pam_permit.so\n',
    '/etc/security/pwquality.conf': 'minlen = 14\nminclass = 3\nenforce_for_root\n',
    '/etc/profile.d/llmsec-tmout.sh': 'readonly TMOUT=900\nexport TMOUT\n',
    '/etc/security/limits.d/llmsec-core.conf': '* hard core 0\n',
    '/etc/systemd/system/ollama.service': [
      '[Service]',
      'ExecStart=/usr/local/bin/ollama serve',
      'User=ollama',
      'Group=ollama',
      'Environment="OLLAMA_HOST=127.0.0.1:11434" DO_NOT_TRACK=1',
      'EnvironmentFile=-/etc/ollama/env',
      ...SANDBOX,
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
    '/etc/audit/rules.d/llmsec.rules': AUDIT_RULES,
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
        'AllowGroups sshusers',
        'AuthenticationMethods publickey,keyboard-interactive',
        '',
      ].join('\n'),
      mode: 0o600,
    },
    '/etc/default/useradd': 'INACTIVE=30\n',
    '/etc/sysctl.d/60-llmsec.conf': SYSCTL.map(([key, value]) => `${key} = ${value}\n`).join(''),
    '/etc/modprobe.d/llmsec.conf': MODULES.map((m) => `install ${m} /bin/false\n`).join(''),
    '/etc/sudoers': {
      content: 'Defaults use_pty\nDefaults logfile=/var/log/sudo.log\n%sudo ALL=(ALL:ALL) ALL\n',
      mode: 0o440,
    },
    '/etc/sudoers.d': {dir: 0o750},
    '/usr/sbin/apparmor_parser': {content: '', mode: 0o755},
    '/lib/systemd/system/apparmor.service': '[Service]\nExecStart=/lib/apparmor/apparmor.systemd reload\n',
    '/etc/systemd/system/sysinit.target.wants/apparmor.service': {link: '/lib/systemd/system/apparmor.service'},
    '/etc/apparmor.d/usr.local.bin.ollama': '/usr/local/bin/ollama {\n}\n',
    '/etc/rsyslog.conf': '*.* -/var/log/syslog\n*.* @@logs.example.org:514\n',
    '/lib/systemd/system/rsyslog.service': '[Service]\nExecStart=/usr/sbin/rsyslogd -n\n',
    [`${wants}/rsyslog.service`]: {link: '/lib/systemd/system/rsyslog.service'},
    '/etc/audit/auditd.conf': [
      'log_file = /var/log/audit/audit.log',
      'max_log_file_action = keep_logs',
      'space_left_action = email',
      'admin_space_left_action = single',
      'disk_full_action = single',
      'disk_error_action = syslog',
      '',
    ].join('\n'),
    '/etc/pam.d/common-auth': [
      'auth required pam_faillock.so preauth',
      'auth [success=1 default=ignore] pam_unix.so',
      'auth [default=die] pam_faillock.so authfail',
      'auth requisite pam_deny.so',
      'auth required pam_permit.so',
      '',
    ].join('\n'),
    '/var/lib/aide/aide.db': 'aide database',
    '/etc/login.defs':
      'UMASK 027\nPASS_MAX_DAYS 365\nPASS_MIN_DAYS 1\nENCRYPT_METHOD YESCRYPT\nSHA_CRYPT_MIN_ROUNDS 65536\n',
    '/etc/issue': 'Authorized use only. Activity is monitored and recorded; unauthorized use is prohibited.\n',
    '/etc/issue.net': 'Authorized use only. Activity is monitored and recorded; unauthorized use is prohibited.\n',
    '/etc/crypttab': 'models_crypt UUID=0b4c-11 none luks\n',
    '/etc/fstab': [
      'UUID=0b4c-01 / ext4 errors=remount-ro 0 1',
      'UUID=0b4c-02 /var/log ext4 defaults 0 2',
      'tmpfs /tmp tmpfs rw,nodev,nosuid,noexec 0 0',
      'tmpfs /dev/shm tmpfs rw,nodev,nosuid,noexec 0 0',
      '/dev/mapper/models_crypt /srv/models ext4 defaults 0 2',
      '',
    ].join('\n'),
    '/home/alice': {dir: 0o750, uid: 1000, gid: 1000},
    '/root': {dir: 0o700},
    // World-writable only with the sticky bit, and every owner listed (audit --walk passes).
    '/tmp': {dir: 0o1777},
    '/var/tmp': {dir: 0o1777},
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
