import type {RootSpec} from '../../../helpers/rootfs.js'
import type {RuleCases, RuleCaseTable} from '../../../helpers/rule-tester.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

const dpkg = (names: string[]) =>
  names.map((n) => `Package: ${n}\nStatus: install ok installed\nVersion: 1.0\n`).join('\n')
const sshd = (text: string, extra: RootSpec = {}): RootSpec => ({'/etc/ssh/sshd_config': text, ...extra})

/** An sshd option: the failing config, the passing one. */
const ssh = (bad: string, good: string, badName = bad, goodName = good): RuleCases => ({
  fail: {name: badName, files: sshd(`${bad}\n`)},
  pass: {name: goodName, files: sshd(`${good}\n`)},
})

/** A file (or directory, with dir) at a too-permissive and at a compliant mode. */
function mode(path: string, bad: number, good: number, dir = false): RuleCases {
  const entry = (m: number) => (dir ? {dir: m} : {content: 'x\n', mode: m})
  const name = (m: number) => `${path} mode ${m.toString(8).padStart(4, '0')}`
  return {fail: {name: name(bad), files: {[path]: entry(bad)}}, pass: {name: name(good), files: {[path]: entry(good)}}}
}

const loginDefs = (bad: string, good: string): RuleCases => ({
  fail: {name: bad || 'unset (the default)', files: {'/etc/login.defs': `${bad}\n`}},
  pass: {name: good, files: {'/etc/login.defs': `# ${bad}\n${good}\n`}},
})

const banner = (path: string): RuleCases => ({
  fail: {name: 'the \\S and \\r escapes', files: {[path]: '\\S\nKernel \\r on an \\m\n'}},
  pass: {name: 'a site notice', files: {[path]: 'Authorised use only.\n'}},
})

/** A notice that says use is authorised only but not that it is monitored fails; the fix's text passes. */
const notice = (path: string): RuleCases => ({
  fail: {name: 'authorised use only, nothing on monitoring or consequences', files: {[path]: 'Authorised use only.\n'}},
  pass: {
    name: 'authorised, monitored, prohibited',
    files: {[path]: 'Authorized users only.\nActivity is monitored and recorded; misuse is prohibited.\n'},
  },
})

const unit = (name: string, dir = '/lib/systemd/system'): RootSpec => ({
  [`${dir}/${name}`]: '[Service]\nExecStart=/x\n',
})
const wanted = (name: string, target = 'multi-user.target'): RootSpec => ({
  [`/etc/systemd/system/${target}.wants/${name}`]: {link: `/lib/systemd/system/${name}`},
})

const passwd =
  'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nbob:x:1000:1000::/home/bob:/bin/bash\n'
const group = 'root:x:0:\ndaemon:x:1:\nshadow:x:42:\nbob:x:1000:\n'
const shadow = 'root:$y$j9T$a$b:19000::::::\ndaemon:*:19000::::::\nbob:$y$j9T$c$d:19000::::::\n'
/** The account databases, with one of them changed for the failing root. */
function accounts(name: string, change: Partial<Record<'passwd' | 'group' | 'shadow', string>>): RuleCases {
  const files = (c: typeof change): RootSpec => ({
    '/etc/passwd': c.passwd ?? passwd,
    '/etc/group': c.group ?? group,
    '/etc/shadow': {content: c.shadow ?? shadow, mode: 0o640},
  })
  return {fail: {name, files: files(change)}, pass: {name: 'a consistent database', files: files({})}}
}

/** CIS host hardening, area A: the rules' crafted roots (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'ssh-config-permissions': {
    fail: {
      name: 'a world-readable drop-in',
      files: sshd('Include /etc/ssh/sshd_config.d/*.conf\n', {
        '/etc/ssh/sshd_config': {content: 'Include /etc/ssh/sshd_config.d/*.conf\n', mode: 0o600},
        '/etc/ssh/sshd_config.d/a.conf': {content: 'X11Forwarding no\n', mode: 0o644},
      }),
    },
    pass: {name: 'both 0600', files: {'/etc/ssh/sshd_config': {content: 'UsePAM yes\n', mode: 0o600}}},
  },
  'ssh-host-keys-private': {
    fail: {
      name: 'one private key 0644 among 0600 ones',
      files: sshd('UsePAM yes\n', {
        '/etc/ssh/ssh_host_ed25519_key': {content: 'k', mode: 0o600},
        '/etc/ssh/ssh_host_rsa_key': {content: 'k', mode: 0o644},
        '/etc/ssh/ssh_host_rsa_key.pub': {content: 'k', mode: 0o644},
      }),
    },
    pass: {
      name: 'private keys 0600 (public keys are not asked about)',
      files: sshd('UsePAM yes\n', {
        '/etc/ssh/ssh_host_ed25519_key': {content: 'k', mode: 0o600},
        '/etc/ssh/ssh_host_ed25519_key.pub': {content: 'k', mode: 0o644},
      }),
    },
  },
  'ssh-host-keys-public': {
    fail: {
      name: 'a group-writable public key',
      files: sshd('UsePAM yes\n', {'/etc/ssh/ssh_host_ed25519_key.pub': {content: 'k', mode: 0o664}}),
    },
    pass: {
      name: 'public keys 0644',
      files: sshd('UsePAM yes\n', {'/etc/ssh/ssh_host_ed25519_key.pub': {content: 'k', mode: 0o644}}),
    },
  },
  'ssh-banner': ssh('Banner none', 'Banner /etc/issue.net'),
  'ssh-client-alive-interval': ssh('UsePAM yes', 'ClientAliveInterval 15', 'the default (0: never probe)'),
  'ssh-client-alive-count': ssh('ClientAliveCountMax 0', 'ClientAliveCountMax 2'),
  'ssh-disable-forwarding': {
    fail: {
      name: 'a Match block turns forwarding back on',
      files: sshd('DisableForwarding yes\nMatch Group dev\n  DisableForwarding no\n'),
    },
    pass: {name: 'DisableForwarding yes', files: sshd('DisableForwarding=yes\n')},
  },
  'ssh-no-gssapi': ssh('GSSAPIAuthentication yes', 'UsePAM yes', undefined, 'the default (no)'),
  'ssh-no-hostbased-auth': ssh('HostbasedAuthentication yes', 'HostbasedAuthentication no'),
  'ssh-ignore-rhosts': {
    fail: {
      name: 'an included file read first says no',
      files: sshd('Include /etc/ssh/sshd_config.d/*.conf\nIgnoreRhosts yes\n', {
        '/etc/ssh/sshd_config.d/10-x.conf': 'ignorerhosts no\n',
      }),
    },
    pass: {name: 'the default (yes)', files: sshd('# IgnoreRhosts no\n')},
  },
  'ssh-login-grace-time': ssh('LoginGraceTime 2m', 'LoginGraceTime 1m', '2m (120 s)', '1m (60 s)'),
  'ssh-log-level': ssh('LogLevel QUIET', 'loglevel verbose'),
  'ssh-max-auth-tries': ssh('UsePAM yes', 'MaxAuthTries 3', 'the default (6)'),
  'ssh-max-sessions': ssh('MaxSessions 64', 'MaxSessions 4'),
  'ssh-max-startups': ssh('UsePAM yes', 'MaxStartups 10:30:60', 'the default (10:30:100)'),
  'ssh-no-empty-passwords': ssh('PermitEmptyPasswords yes', 'PermitEmptyPasswords no'),
  'ssh-no-user-environment': ssh('PermitUserEnvironment yes', 'PermitUserEnvironment no'),
  'ssh-use-pam': ssh('PasswordAuthentication no', 'UsePAM yes', 'the default (no)'),
  'ssh-strong-ciphers': ssh('Ciphers +aes256-cbc', 'UsePAM yes', undefined, 'the default list'),
  'ssh-strong-macs': ssh(
    'UsePAM yes',
    'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com',
    'the default list (umac-64, hmac-sha1)',
  ),
  'ssh-strong-kex': ssh('KexAlgorithms diffie-hellman-group14-sha1,curve25519-sha256', 'KexAlgorithms -*-sha1'),
  'files-passwd': mode('/etc/passwd', 0o664, 0o644),
  'files-passwd-backup': mode('/etc/passwd-', 0o666, 0o600),
  'files-group': mode('/etc/group', 0o646, 0o644),
  'files-group-backup': mode('/etc/group-', 0o664, 0o644),
  'files-shadow': mode('/etc/shadow', 0o644, 0o640),
  'files-shadow-backup': mode('/etc/shadow-', 0o644, 0o600),
  'files-gshadow': mode('/etc/gshadow', 0o644, 0o640),
  'files-gshadow-backup': mode('/etc/gshadow-', 0o644, 0o640),
  'files-shells': mode('/etc/shells', 0o666, 0o644),
  'home-directory-permissions': {
    fail: {name: '/home/alice mode 0755', files: {'/home/alice': {dir: 0o755}, '/root': {dir: 0o700}}},
    pass: {name: '/home/alice mode 0750', files: {'/home/alice': {dir: 0o750}, '/root': {dir: 0o700}}},
  },
  'files-opasswd': mode('/etc/security/opasswd', 0o644, 0o600),
  'cron-crontab-permissions': mode('/etc/crontab', 0o644, 0o600),
  'cron-hourly-permissions': mode('/etc/cron.hourly', 0o755, 0o700, true),
  'cron-daily-permissions': mode('/etc/cron.daily', 0o755, 0o700, true),
  'cron-weekly-permissions': mode('/etc/cron.weekly', 0o755, 0o700, true),
  'cron-monthly-permissions': mode('/etc/cron.monthly', 0o755, 0o700, true),
  'cron-d-permissions': mode('/etc/cron.d', 0o755, 0o700, true),
  'cron-allow-permissions': mode('/etc/cron.allow', 0o644, 0o640),
  'banner-issue-permissions': mode('/etc/issue', 0o664, 0o644),
  'banner-issue-net-permissions': mode('/etc/issue.net', 0o666, 0o644),
  'banner-motd-permissions': mode('/etc/motd', 0o646, 0o644),
  'boot-grub-config-permissions': mode('/boot/grub/grub.cfg', 0o444, 0o400),
  'sudoers-permissions': {
    fail: {
      name: 'a writable file in /etc/sudoers.d',
      files: {'/etc/sudoers': {content: '', mode: 0o440}, '/etc/sudoers.d/ops': {content: '', mode: 0o644}},
    },
    pass: {
      name: 'every file 0440',
      files: {'/etc/sudoers': {content: '', mode: 0o440}, '/etc/sudoers.d/ops': {content: '', mode: 0o440}},
    },
  },
  'sudoers-includedir-permissions': mode('/etc/sudoers.d', 0o777, 0o750, true),
  'password-max-age': loginDefs('PASS_MAX_DAYS 99999', 'PASS_MAX_DAYS\t365'),
  'password-min-age': loginDefs('PASS_MIN_DAYS 0', 'PASS_MIN_DAYS 1'),
  'password-warn-age': loginDefs('PASS_WARN_AGE 3', 'PASS_WARN_AGE 14'),
  'password-hashing-login-defs': loginDefs('ENCRYPT_METHOD MD5', 'ENCRYPT_METHOD yescrypt'),
  'password-inactive-lock': {
    fail: {name: 'INACTIVE=-1 (never)', files: {'/etc/default/useradd': 'SHELL=/bin/sh\nINACTIVE=-1\n'}},
    pass: {name: 'INACTIVE=30', files: {'/etc/default/useradd': '# INACTIVE=-1\nINACTIVE=30\n'}},
  },
  'banner-issue-no-os': banner('/etc/issue'),
  'banner-issue-net-no-os': {
    fail: {name: 'names the distribution', files: {'/etc/issue.net': 'Debian GNU/Linux 12\n'}},
    pass: {name: 'a site notice', files: {'/etc/issue.net': 'Authorised use only.\n'}},
  },
  'banner-issue-use-notice': notice('/etc/issue'),
  'banner-issue-net-use-notice': notice('/etc/issue.net'),
  'banner-motd-no-os': banner('/etc/motd'),
  'boot-grub-password': {
    fail: {name: 'no password', files: {'/boot/grub/grub.cfg': 'set timeout=5\nmenuentry "x" {\n}\n'}},
    pass: {
      name: 'superusers and a PBKDF2 hash',
      files: {'/boot/grub/grub.cfg': 'set superusers="boot"\npassword_pbkdf2 boot grub.pbkdf2.sha512.10000.AB.CD\n'},
    },
  },
  'accounts-single-uid0': accounts('a second UID 0 account', {passwd: `${passwd}toor:x:0:0::/root:/bin/sh\n`}),
  'accounts-root-gid0': accounts('a second GID 0 group', {group: `${group}wheel:x:0:bob\n`}),
  'accounts-unique-uids': accounts('two accounts with UID 1000', {
    passwd: `${passwd}eve:x:1000:1000::/home/e:/bin/sh\n`,
  }),
  'accounts-unique-gids': accounts('two groups with GID 1000', {group: `${group}staff2:x:1000:\n`}),
  'accounts-unique-user-names': accounts('bob twice', {passwd: `${passwd}bob:x:1001:1000::/home/b:/bin/sh\n`}),
  'accounts-unique-group-names': accounts('bob twice', {group: `${group}bob:x:1001:\n`}),
  'accounts-groups-exist': accounts('GID 2000 has no group', {passwd: `${passwd}eve:x:1001:2000::/home/e:/bin/sh\n`}),
  'accounts-shadow-group-empty': accounts('bob in shadow', {group: group.replace('shadow:x:42:', 'shadow:x:42:bob')}),
  'accounts-no-empty-passwords': accounts('bob without password', {shadow: shadow.replace(/^bob:[^:]*:/m, 'bob::')}),
  'accounts-system-no-shell': accounts('daemon with bash', {passwd: passwd.replace('/usr/sbin/nologin', '/bin/bash')}),
  'accounts-no-shell-locked': accounts('daemon with a hash', {shadow: shadow.replace('daemon:*:', 'daemon:$y$e$f:')}),
  'sudo-installed': {
    fail: {name: 'no sudo package', files: {'/var/lib/dpkg/status': dpkg(['openssh-server'])}},
    pass: {name: 'sudo installed', files: {'/var/lib/dpkg/status': dpkg(['sudo'])}},
  },
  'sudo-use-pty': {
    fail: {name: 'use_pty turned off', files: {'/etc/sudoers': 'Defaults use_pty\nDefaults !use_pty\n'}},
    pass: {name: 'use_pty', files: {'/etc/sudoers': 'Defaults env_reset, use_pty\n'}},
  },
  'sudo-logfile': {
    fail: {name: 'no logfile', files: {'/etc/sudoers': 'Defaults use_pty\n'}},
    pass: {name: 'a logfile', files: {'/etc/sudoers': 'Defaults logfile=/var/log/sudo.log\n'}},
  },
  'sudo-no-nopasswd-all': {
    fail: {name: '%sudo NOPASSWD: ALL', files: {'/etc/sudoers': '%sudo ALL=(ALL:ALL) NOPASSWD: ALL\n'}},
    pass: {name: '%sudo ALL', files: {'/etc/sudoers': '%sudo ALL=(ALL:ALL) ALL\n'}},
  },
  'sudo-authenticate-on': {
    fail: {name: 'Defaults !authenticate', files: {'/etc/sudoers': 'Defaults !authenticate\n'}},
    pass: {name: 'authentication left on', files: {'/etc/sudoers': 'Defaults use_pty\n'}},
  },
  // Older rules of the baseline.
  'docker-group-empty': {
    fail: {name: 'bob is in the docker group', files: {'/etc/group': 'root:x:0:\ndocker:x:998:bob\n'}},
    pass: {name: 'an empty docker group', files: {'/etc/group': 'root:x:0:\ndocker:x:998:\n'}},
  },
  'automatic-security-updates': {
    fail: {
      name: 'unattended-upgrades installed but switched off',
      files: {
        '/var/lib/dpkg/status': 'Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9\n',
        '/etc/apt/apt.conf.d/20auto-upgrades': 'APT::Periodic::Unattended-Upgrade "0";\n',
      },
    },
    pass: {
      name: 'unattended-upgrades switched on',
      files: {
        '/var/lib/dpkg/status': 'Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9\n',
        '/etc/apt/apt.conf.d/20auto-upgrades': 'APT::Periodic::Unattended-Upgrade "1";\n',
      },
    },
  },
  'os-security-updates-pending': {
    fail: {name: 'openssl older than the security suite', files: vulnRootSpec()},
    pass: {name: 'every package at the security suite version', files: vulnRootSpec(UPGRADED)},
  },
  'time-sync': {
    fail: {name: 'chrony installed, not enabled', files: unit('chrony.service')},
    pass: {
      name: 'systemd-timesyncd enabled',
      files: {...unit('systemd-timesyncd.service'), ...wanted('systemd-timesyncd.service', 'sysinit.target')},
    },
  },
}
