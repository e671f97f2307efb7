import type {InferenceService} from '../../../../src/audit/facts/index.js'
import type {RuleCaseTable} from '../../../helpers/rule-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const debian = {'/etc/os-release': 'ID=debian\nVERSION_ID="12"\n'}
const dpkg = (names: string[]) =>
  names.map((n) => `Package: ${n}\nStatus: install ok installed\nVersion: 1.0\n`).join('\n')
const systemd = {
  '/usr/lib/systemd/systemd': '',
  '/usr/lib/systemd/system/rsync.service':
    '[Service]\nExecStart=/usr/bin/rsync --daemon\n[Install]\nWantedBy=multi-user.target\n',
}

const fstab = (lines: string) => ({'/etc/fstab': `UUID=1 / ext4 defaults 0 1\n${lines}`})

const vllm = (environment: Record<string, string>): InferenceService => ({
  runtime: 'vllm',
  source: 'unit',
  location: '/etc/systemd/system/vllm.service',
  user: 'vllm',
  environment,
  unreadable: [],
  args: ['/opt/venv/bin/vllm', 'serve'],
})

/** CIS host hardening B (services, kernel, mounts, MAC, auditd, logging): crafted roots (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  // TODO no-rsync-daemon
  'sysctl-aslr': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'kernel.randomize_va_space = 0\n'}},
    pass: {
      name: 'set to 2',
      files: {
        '/etc/sysctl.d/50-x.conf': 'kernel.randomize_va_space = 9\n',
        '/etc/sysctl.d/60-y.conf': 'kernel.randomize_va_space=2\n',
      },
    },
  },
  'sysctl-ptrace-scope': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'kernel.yama.ptrace_scope = 0\n'}},
    pass: {
      name: 'set to 3',
      files: {
        '/etc/sysctl.d/50-x.conf': 'kernel.yama.ptrace_scope = 9\n',
        '/etc/sysctl.d/60-y.conf': 'kernel.yama.ptrace_scope=3\n',
      },
    },
  },
  'sysctl-suid-dumpable': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'fs.suid_dumpable = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {'/etc/sysctl.d/50-x.conf': 'fs.suid_dumpable = 9\n', '/etc/sysctl.d/60-y.conf': 'fs.suid_dumpable=0\n'},
    },
  },
  'sysctl-dmesg-restrict': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'kernel.dmesg_restrict = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'kernel.dmesg_restrict = 9\n',
        '/etc/sysctl.d/60-y.conf': 'kernel.dmesg_restrict=1\n',
      },
    },
  },
  'sysctl-protected-hardlinks': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'fs.protected_hardlinks = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'fs.protected_hardlinks = 9\n',
        '/etc/sysctl.d/60-y.conf': 'fs.protected_hardlinks=1\n',
      },
    },
  },
  'sysctl-protected-symlinks': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'fs.protected_symlinks = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'fs.protected_symlinks = 9\n',
        '/etc/sysctl.d/60-y.conf': 'fs.protected_symlinks=1\n',
      },
    },
  },
  'sysctl-protected-fifos': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'fs.protected_fifos = 0\n'}},
    pass: {
      name: 'set to 2',
      files: {
        '/etc/sysctl.d/50-x.conf': 'fs.protected_fifos = 9\n',
        '/etc/sysctl.d/60-y.conf': 'fs.protected_fifos=2\n',
      },
    },
  },
  'sysctl-protected-regular': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'fs.protected_regular = 0\n'}},
    pass: {
      name: 'set to 2',
      files: {
        '/etc/sysctl.d/50-x.conf': 'fs.protected_regular = 9\n',
        '/etc/sysctl.d/60-y.conf': 'fs.protected_regular=2\n',
      },
    },
  },
  'sysctl-sysrq-off': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'kernel.sysrq = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {'/etc/sysctl.d/50-x.conf': 'kernel.sysrq = 9\n', '/etc/sysctl.d/60-y.conf': 'kernel.sysrq=0\n'},
    },
  },
  'sysctl-bpf-jit-harden': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.core.bpf_jit_harden = 0\n'}},
    pass: {
      name: 'set to 2',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.core.bpf_jit_harden = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.core.bpf_jit_harden=2\n',
      },
    },
  },
  'sysctl-ldisc-autoload': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'dev.tty.ldisc_autoload = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'dev.tty.ldisc_autoload = 9\n',
        '/etc/sysctl.d/60-y.conf': 'dev.tty.ldisc_autoload=0\n',
      },
    },
  },
  'sysctl-ipv4-forwarding': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.ip_forward = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.ip_forward = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.ip_forward=0\n',
      },
    },
  },
  'sysctl-ipv6-forwarding': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.forwarding = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.forwarding = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv6.conf.all.forwarding=0\n',
      },
    },
  },
  'sysctl-send-redirects-all': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.send_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.send_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.send_redirects=0\n',
      },
    },
  },
  'sysctl-send-redirects-default': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.default.send_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.default.send_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.default.send_redirects=0\n',
      },
    },
  },
  'sysctl-icmp-bogus-errors': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.icmp_ignore_bogus_error_responses = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.icmp_ignore_bogus_error_responses = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.icmp_ignore_bogus_error_responses=1\n',
      },
    },
  },
  'sysctl-icmp-echo-broadcasts': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.icmp_echo_ignore_broadcasts = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.icmp_echo_ignore_broadcasts = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.icmp_echo_ignore_broadcasts=1\n',
      },
    },
  },
  'sysctl-accept-redirects-all': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.accept_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.accept_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.accept_redirects=0\n',
      },
    },
  },
  'sysctl-accept-redirects-default': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.default.accept_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.default.accept_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.default.accept_redirects=0\n',
      },
    },
  },
  'sysctl-ipv6-accept-redirects': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv6.conf.all.accept_redirects=0\n',
      },
    },
  },
  'sysctl-secure-redirects': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.secure_redirects = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.secure_redirects = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.secure_redirects=0\n',
      },
    },
  },
  'sysctl-rp-filter': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.rp_filter = 0\n'}},
    pass: {
      name: 'set to 2',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.rp_filter = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.rp_filter=2\n',
      },
    },
  },
  'sysctl-source-route': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.accept_source_route = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.accept_source_route = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.accept_source_route=0\n',
      },
    },
  },
  'sysctl-ipv6-source-route': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_source_route = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_source_route = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv6.conf.all.accept_source_route=0\n',
      },
    },
  },
  'sysctl-log-martians': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.log_martians = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.conf.all.log_martians = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.conf.all.log_martians=1\n',
      },
    },
  },
  'sysctl-tcp-syncookies': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv4.tcp_syncookies = 0\n'}},
    pass: {
      name: 'set to 1',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv4.tcp_syncookies = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv4.tcp_syncookies=1\n',
      },
    },
  },
  'sysctl-ipv6-accept-ra': {
    fail: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_ra = 1\n'}},
    pass: {
      name: 'set to 0',
      files: {
        '/etc/sysctl.d/50-x.conf': 'net.ipv6.conf.all.accept_ra = 9\n',
        '/etc/sysctl.d/60-y.conf': 'net.ipv6.conf.all.accept_ra=0\n',
      },
    },
  },
  'module-cramfs-disabled': {
    fail: {name: 'only blacklisted', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist cramfs\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install cramfs /bin/false\n'}},
  },
  'module-freevxfs-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install freevxfs /bin/false\n'}},
  },
  'module-hfs-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install hfs /bin/false\n'}},
  },
  'module-hfsplus-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install hfsplus /bin/false\n'}},
  },
  'module-jffs2-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install jffs2 /bin/false\n'}},
  },
  'module-udf-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install udf /bin/false\n'}},
  },
  'module-dccp-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install dccp /bin/false\n'}},
  },
  'module-tipc-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install tipc /bin/false\n'}},
  },
  'module-rds-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install rds /bin/false\n'}},
  },
  'module-sctp-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install sctp /bin/false\n'}},
  },
  'module-firewire-disabled': {
    // firewire-core alone: the host controller driver (DMA) can still be loaded.
    fail: {
      name: 'only firewire-core disabled',
      files: {...debian, '/etc/modprobe.d/x.conf': 'install firewire-core /bin/false\n'},
    },
    pass: {
      name: 'install /bin/false for each',
      files: {
        ...debian,
        '/etc/modprobe.d/x.conf':
          'install firewire-core /bin/false\ninstall firewire_ohci /bin/false\ninstall firewire-sbp2 /bin/false\n',
      },
    },
  },
  'module-thunderbolt-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {
      name: 'install /bin/false',
      files: {...debian, '/etc/modprobe.d/x.conf': 'install thunderbolt /bin/false\n'},
    },
  },
  'module-squashfs-disabled': {
    fail: {name: 'not disabled', files: {...debian, '/etc/modprobe.d/x.conf': 'blacklist usb-storage\n'}},
    pass: {name: 'install /bin/false', files: {...debian, '/etc/modprobe.d/x.conf': 'install squashfs /bin/false\n'}},
  },
  'no-avahi': {
    fail: {
      name: 'avahi-daemon installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'avahi-daemon'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-dhcp-server': {
    fail: {
      name: 'kea-dhcp6-server installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'kea-dhcp6-server'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-dns-server': {
    fail: {name: 'bind9 installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'bind9'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-dnsmasq': {
    fail: {name: 'dnsmasq installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'dnsmasq'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-ftp-server': {
    fail: {
      name: 'pure-ftpd installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'pure-ftpd'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-ldap-server': {
    fail: {name: 'slapd installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'slapd'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-mail-access-server': {
    fail: {
      name: 'dovecot-pop3d installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'dovecot-pop3d'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-nfs-server': {
    fail: {
      name: 'nfs-kernel-server installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'nfs-kernel-server'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-cups': {
    fail: {
      name: 'cups-daemon installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'cups-daemon'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-rpcbind': {
    fail: {name: 'rpcbind installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'rpcbind'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-samba': {
    fail: {name: 'samba installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'samba'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-snmp': {
    fail: {name: 'snmpd installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'snmpd'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-tftp-server': {
    fail: {name: 'atftpd installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'atftpd'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-web-proxy': {
    fail: {name: 'squid installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'squid'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-general-web-server': {
    fail: {
      name: 'lighttpd installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'lighttpd'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-inetd': {
    fail: {
      name: 'inetutils-inetd installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'inetutils-inetd'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-x-server': {
    fail: {
      name: 'xwayland installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'xwayland'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-rsh-server': {
    fail: {
      name: 'rsh-redone-server installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'rsh-redone-server'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-nis': {
    fail: {name: 'nis installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'nis'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-rsh-client': {
    fail: {
      name: 'rsh-redone-client installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'rsh-redone-client'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-talk-client': {
    fail: {name: 'talk installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'talk'])}},
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-telnet-client': {
    fail: {
      name: 'inetutils-telnet installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'inetutils-telnet'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-ftp-client': {
    fail: {
      name: 'inetutils-ftp installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'inetutils-ftp'])},
    },
    pass: {name: 'not installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'no-rsync-daemon': {
    fail: {
      name: 'rsync.service enabled',
      files: {
        ...systemd,
        '/etc/systemd/system/multi-user.target.wants/rsync.service': {link: '/usr/lib/systemd/system/rsync.service'},
      },
    },
    pass: {name: 'installed, not enabled', files: systemd},
  },
  'tmp-separate-mount': {
    fail: {name: 'no mount of its own', files: fstab('')},
    pass: {name: 'a tmpfs', files: fstab('tmpfs /tmp tmpfs defaults 0 0\n')},
  },
  'dev-shm-separate-mount': {
    fail: {name: 'no mount of its own', files: fstab('')},
    pass: {name: 'a tmpfs', files: fstab('tmpfs /dev/shm tmpfs defaults 0 0\n')},
  },
  'tmp-nodev': {
    fail: {name: 'mounted without nodev', files: fstab('tmpfs /tmp tmpfs rw,nosuid,noexec 0 0\n')},
    pass: {name: 'mounted nodev', files: fstab('tmpfs /tmp tmpfs rw,nodev 0 0\n')},
  },
  'tmp-nosuid': {
    fail: {name: 'mounted without nosuid', files: fstab('tmpfs /tmp tmpfs rw,nodev,noexec 0 0\n')},
    pass: {name: 'mounted nosuid', files: fstab('tmpfs /tmp tmpfs rw,nosuid 0 0\n')},
  },
  'tmp-noexec': {
    fail: {name: 'mounted without noexec', files: fstab('tmpfs /tmp tmpfs rw,nodev,nosuid 0 0\n')},
    pass: {name: 'mounted noexec', files: fstab('tmpfs /tmp tmpfs rw,noexec 0 0\n')},
  },
  'dev-shm-nodev': {
    fail: {name: 'mounted without nodev', files: fstab('tmpfs /dev/shm tmpfs rw,nosuid,noexec 0 0\n')},
    pass: {name: 'mounted nodev', files: fstab('tmpfs /dev/shm tmpfs rw,nodev 0 0\n')},
  },
  'dev-shm-nosuid': {
    fail: {name: 'mounted without nosuid', files: fstab('tmpfs /dev/shm tmpfs rw,nodev,noexec 0 0\n')},
    pass: {name: 'mounted nosuid', files: fstab('tmpfs /dev/shm tmpfs rw,nosuid 0 0\n')},
  },
  'dev-shm-noexec': {
    fail: {name: 'mounted without noexec', files: fstab('tmpfs /dev/shm tmpfs rw,nodev,nosuid 0 0\n')},
    pass: {name: 'mounted noexec', files: fstab('tmpfs /dev/shm tmpfs rw,noexec 0 0\n')},
  },
  'var-tmp-nodev': {
    fail: {name: 'mounted without nodev', files: fstab('tmpfs /var/tmp tmpfs rw,nosuid,noexec 0 0\n')},
    pass: {name: 'mounted nodev', files: fstab('tmpfs /var/tmp tmpfs rw,nodev 0 0\n')},
  },
  'var-tmp-nosuid': {
    fail: {name: 'mounted without nosuid', files: fstab('tmpfs /var/tmp tmpfs rw,nodev,noexec 0 0\n')},
    pass: {name: 'mounted nosuid', files: fstab('tmpfs /var/tmp tmpfs rw,nosuid 0 0\n')},
  },
  'var-tmp-noexec': {
    fail: {name: 'mounted without noexec', files: fstab('tmpfs /var/tmp tmpfs rw,nodev,nosuid 0 0\n')},
    pass: {name: 'mounted noexec', files: fstab('tmpfs /var/tmp tmpfs rw,noexec 0 0\n')},
  },
  'var-log-separate-mount': {
    fail: {name: 'on the root filesystem', files: fstab('tmpfs /tmp tmpfs defaults 0 0\n')},
    pass: {name: 'a logical volume', files: fstab('/dev/mapper/vg-log /var/log ext4 defaults 0 2\n')},
  },
  'audit-sudoers-changes': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/sudoers -p wa\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/sudoers -p wa\n-w /etc/sudoers.d -p wa\n'},
    },
  },
  'audit-time-changes': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/localtime -p wa\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /etc/localtime -p wa\n-a always,exit -S adjtimex,settimeofday,clock_settime -F auid>=1000\n',
      },
    },
  },
  'audit-network-environment': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /etc/issue -p wa\n-w /etc/issue.net -p wa\n-w /etc/hosts -p wa\n-w /etc/networks -p wa\n-w /etc/network -p wa\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /etc/issue -p wa\n-w /etc/issue.net -p wa\n-w /etc/hosts -p wa\n-w /etc/networks -p wa\n-w /etc/network -p wa\n-a always,exit -S sethostname,setdomainname -F auid>=1000\n',
      },
    },
  },
  'audit-privileged-commands': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/passwd -p wa\n', '/usr/bin/su': {content: '', mode: 0o4755}},
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules': '-a always,exit -F path=/usr/bin/su -F perm=x -k privileged\n',
        '/usr/bin/su': {content: '', mode: 0o4755},
      },
    },
  },
  'audit-access-failures': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-a always,exit -S creat,open,openat,truncate,ftruncate -F auid>=1000\n'},
    },
  },
  'audit-identity-changes': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /etc/group -p wa\n-w /etc/passwd -p wa\n-w /etc/gshadow -p wa\n-w /etc/shadow -p wa\n-w /etc/security/opasswd -p wa\n-w /etc/nsswitch.conf -p wa\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /etc/group -p wa\n-w /etc/passwd -p wa\n-w /etc/gshadow -p wa\n-w /etc/shadow -p wa\n-w /etc/security/opasswd -p wa\n-w /etc/nsswitch.conf -p wa\n-w /etc/pam.d -p wa\n',
      },
    },
  },
  'audit-permission-changes': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-a always,exit -S chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000\n',
      },
    },
  },
  'audit-mounts': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-a always,exit -F arch=b64 -S mount\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-a always,exit -S mount -F auid>=1000\n'},
    },
  },
  'audit-session-records': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /var/run/utmp -p wa\n-w /var/log/wtmp -p wa\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /var/run/utmp -p wa\n-w /var/log/wtmp -p wa\n-w /var/log/btmp -p wa\n'},
    },
  },
  'audit-login-records': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /var/log/lastlog -p wa\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /var/log/lastlog -p wa\n-w /var/run/faillock -p wa\n'},
    },
  },
  'audit-file-deletion': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-a always,exit -S unlink,unlinkat,rename,renameat -F auid>=1000\n'},
    },
  },
  'audit-mac-changes': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/apparmor -p wa\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /etc/apparmor -p wa\n-w /etc/apparmor.d -p wa\n'},
    },
  },
  'audit-permission-commands': {
    fail: {
      name: 'a class member is not recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /usr/bin/chcon -p x\n-w /usr/bin/setfacl -p x\n-w /usr/bin/chacl -p x\n-w /etc/motd -p wa\n',
      },
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /usr/bin/chcon -p x\n-w /usr/bin/setfacl -p x\n-w /usr/bin/chacl -p x\n-w /usr/sbin/usermod -p x\n',
      },
    },
  },
  'audit-kernel-modules': {
    fail: {
      name: 'a class member is not recorded',
      files: {'/etc/audit/rules.d/a.rules': '-w /usr/bin/kmod -p x\n-w /etc/motd -p wa\n'},
    },
    pass: {
      name: 'every member recorded',
      files: {
        '/etc/audit/rules.d/a.rules':
          '-w /usr/bin/kmod -p x\n-a always,exit -S init_module,finit_module,delete_module -F auid>=1000\n',
      },
    },
  },
  'audit-rules-immutable': {
    fail: {name: '-e 1', files: {'/usr/sbin/auditd': '', '/etc/audit/rules.d/a.rules': '-w /etc/passwd -p wa\n-e 1\n'}},
    pass: {
      name: '-e 2 last',
      files: {
        '/usr/sbin/auditd': '',
        '/etc/audit/rules.d/10-a.rules': '-e 1\n-w /etc/passwd -p wa\n',
        '/etc/audit/rules.d/99-f.rules': '-e 2\n',
      },
    },
  },
  'audit-model-directories': {
    fail: {
      name: 'no watch on /srv/models',
      files: {
        '/usr/sbin/auditd': '',
        '/etc/audit/rules.d/a.rules': '-w /srv/model -p wa\n',
        '/srv/models/m.safetensors': safetensorsBytes(),
      },
    },
    pass: {
      name: 'a watch on /srv',
      files: {
        '/usr/sbin/auditd': '',
        '/etc/audit/rules.d/a.rules': '-w /srv -p rwa\n',
        '/srv/models/m.safetensors': safetensorsBytes(),
      },
    },
  },
  'auditd-keep-logs': {
    fail: {name: 'the default', files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\n'}},
    pass: {
      name: 'keep_logs',
      files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\nmax_log_file_action = KEEP_LOGS\n'},
    },
  },
  'auditd-space-left-action': {
    fail: {name: 'the default', files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\n'}},
    pass: {
      name: 'email',
      files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\nspace_left_action = EMAIL\n'},
    },
  },
  'auditd-admin-space-left-action': {
    fail: {name: 'the default', files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\n'}},
    pass: {
      name: 'single',
      files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\nadmin_space_left_action = SINGLE\n'},
    },
  },
  'auditd-disk-full-action': {
    fail: {name: 'the default', files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\n'}},
    pass: {
      name: 'single',
      files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\ndisk_full_action = SINGLE\n'},
    },
  },
  'auditd-disk-error-action': {
    fail: {name: 'the default', files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\n'}},
    pass: {
      name: 'syslog',
      files: {'/etc/audit/auditd.conf': 'log_file = /var/log/audit/audit.log\ndisk_error_action = SYSLOG\n'},
    },
  },
  'mac-enabled': {
    fail: {name: 'AppArmor not installed', files: {...systemd}},
    pass: {
      name: 'AppArmor installed and enabled',
      files: {
        ...systemd,
        '/usr/sbin/apparmor_parser': '',
        '/usr/lib/systemd/system/apparmor.service': '[Service]\nExecStart=/lib/apparmor/apparmor.systemd reload\n',
        '/etc/systemd/system/sysinit.target.wants/apparmor.service': {link: '/usr/lib/systemd/system/apparmor.service'},
      },
    },
  },
  'mac-profiles-enforcing': {
    fail: {
      name: 'a profile in complain mode',
      files: {'/etc/apparmor.d/usr.bin.man': '/usr/bin/man flags=(complain) {\n}\n'},
    },
    pass: {name: 'profiles enforce', files: {'/etc/apparmor.d/usr.bin.man': '/usr/bin/man {\n}\n'}},
  },
  'inference-units-confined': {
    fail: {
      name: 'an Ollama unit without a profile',
      files: {...systemd, '/etc/systemd/system/ollama.service': '[Service]\nExecStart=/usr/local/bin/ollama serve\n'},
    },
    pass: {
      name: 'AppArmorProfile= in the unit',
      files: {
        ...systemd,
        '/etc/systemd/system/ollama.service':
          '[Service]\nExecStart=/usr/local/bin/ollama serve\nAppArmorProfile=ollama\n',
      },
    },
  },
  'logs-forwarded-remote': {
    fail: {name: 'rsyslog writes local files only', files: {'/etc/rsyslog.conf': '*.* -/var/log/syslog\n'}},
    pass: {
      name: 'rsyslog forwards over TCP',
      files: {'/etc/rsyslog.conf': '*.* -/var/log/syslog\n*.* @@logs.example.org:514\n'},
    },
  },
  'mta-local-only': {
    fail: {name: 'postfix on all interfaces', files: {'/etc/postfix/main.cf': 'inet_interfaces = all\n'}},
    pass: {name: 'postfix loopback-only', files: {'/etc/postfix/main.cf': 'inet_interfaces = loopback-only\n'}},
  },
  // Older rules (they left PENDING).
  'firewall-configured': {
    fail: {
      name: 'ufw enabled with an ACCEPT default',
      files: {'/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="ACCEPT"\n'},
    },
    pass: {
      name: 'ufw enabled with DROP',
      files: {'/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="DROP"\n'},
    },
  },
  'firewall-default-deny': {
    fail: {
      name: 'the loaded input policy accepts',
      facts: {firewall: {tool: 'nftables', inputPolicy: 'accept', ruleCount: 2, decidedBy: 'policy accept'}},
    },
    pass: {
      name: 'the loaded input policy drops',
      facts: {firewall: {tool: 'nftables', inputPolicy: 'drop', ruleCount: 3, decidedBy: 'policy drop'}},
    },
  },
  'auditd-active': {
    fail: {name: 'auditd not installed', files: {'/etc/audit/rules.d/a.rules': '-w /etc/passwd -p wa\n'}},
    pass: {
      name: 'installed with a rule',
      files: {'/usr/sbin/auditd': '', '/etc/audit/rules.d/a.rules': '-w /etc/passwd -p wa\n'},
    },
  },
  'journald-persistent': {
    fail: {
      name: 'Storage=volatile',
      files: {
        ...systemd,
        '/etc/systemd/journald.conf': '[Journal]\nStorage=volatile\n',
        '/var/log/journal': {dir: 0o755},
      },
    },
    pass: {
      name: 'auto with /var/log/journal',
      files: {...systemd, '/etc/systemd/journald.conf': '[Journal]\n', '/var/log/journal': {dir: 0o2755}},
    },
  },
  'log-retention-configured': {
    fail: {name: 'one week', files: {'/etc/logrotate.conf': 'weekly\nrotate 1\n'}},
    pass: {name: 'five weeks', files: {'/etc/logrotate.conf': 'weekly\nrotate 5\n'}},
  },
  'hf-hub-offline': {
    fail: {name: 'a vLLM service without HF_HUB_OFFLINE', facts: {inference: [vllm({})]}},
    pass: {name: 'HF_HUB_OFFLINE=1', facts: {inference: [vllm({HF_HUB_OFFLINE: '1'})]}},
  },
  'vllm-usage-stats-off': {
    fail: {name: 'VLLM_NO_USAGE_STATS=0', facts: {inference: [vllm({VLLM_NO_USAGE_STATS: '0'})]}},
    pass: {name: 'VLLM_NO_USAGE_STATS=1', facts: {inference: [vllm({VLLM_NO_USAGE_STATS: '1'})]}},
  },
  'telemetry-do-not-track': {
    fail: {name: 'DO_NOT_TRACK unset', facts: {inference: [vllm({})]}},
    pass: {name: 'DO_NOT_TRACK=1', facts: {inference: [vllm({DO_NOT_TRACK: '1'})]}},
  },
  'crash-reporting-off': {
    fail: {
      name: 'apport enabled',
      files: {
        ...systemd,
        '/usr/lib/systemd/system/apport.service': '[Service]\nExecStart=/usr/share/apport/apport --start\n',
        '/etc/systemd/system/multi-user.target.wants/apport.service': {link: '/usr/lib/systemd/system/apport.service'},
      },
    },
    pass: {
      name: 'apport installed, not enabled',
      files: {
        ...systemd,
        '/usr/lib/systemd/system/apport.service': '[Service]\nExecStart=/usr/share/apport/apport --start\n',
      },
    },
  },
}
