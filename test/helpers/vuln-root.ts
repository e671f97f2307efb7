import type {RootSpec} from './rootfs.js'

/** Versions of the crafted GPU host: the vulnerable ones by default, the fixed ones with `upgraded`. */
export interface VulnRootVersions {
  torch: string
  vllm: string
  toolkit: string
  openssl: string
}

export const VULNERABLE: VulnRootVersions = {
  torch: '2.5.1',
  vllm: '0.8.4',
  toolkit: '1.16.1-1',
  openssl: '3.0.11-1~deb12u2',
}
export const UPGRADED: VulnRootVersions = {
  torch: '2.6.0',
  vllm: '0.8.5',
  toolkit: '1.17.8-1',
  openssl: '3.0.15-1~deb12u1',
}

const SITE = '/opt/vllm/venv/lib/python3.11/site-packages'

function stanza(name: string, version: string, extra = ''): string {
  return `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n${extra}Description: ${name}\n more text\n`
}

function distInfo(name: string, version: string): RootSpec {
  return {
    [`${SITE}/${name}-${version}.dist-info/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: x\n\nlong description\nVersion: 0.0.0\n`,
  }
}

/**
 * A Debian 12 GPU host: vllm and torch in a venv used by vllm.service (bound to 0.0.0.0:8000),
 * nvidia-container-toolkit and openssl in dpkg, and a bookworm-security list with openssl 3.0.15.
 */
export function vulnRootSpec(v: VulnRootVersions = VULNERABLE): RootSpec {
  return {
    '/etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    '/var/lib/dpkg/status': [
      stanza('openssl', v.openssl),
      stanza('libssl3', v.openssl, 'Source: openssl\n'),
      stanza('nvidia-container-toolkit', v.toolkit),
      stanza('bash', '5.2.15-2+b2'),
    ].join('\n'),
    '/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages': [
      stanza('openssl', '3.0.15-1~deb12u1'),
      stanza('libssl3', '3.0.15-1~deb12u1', 'Source: openssl\n'),
      stanza('curl', '7.88.1-10+deb12u8'),
    ].join('\n'),
    '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages': stanza('bash', '5.2.99-1'),
    ...distInfo('torch', v.torch),
    ...distInfo('vllm', v.vllm),
    ...distInfo('numpy', '1.26.4'),
    '/opt/vllm/venv/bin/vllm': {content: '#!/opt/vllm/venv/bin/python3.11\nimport vllm\n', mode: 0o755},
    '/opt/vllm/venv/pyvenv.cfg': 'home = /usr/bin\n',
    '/etc/systemd/system/vllm.service':
      '[Unit]\nDescription=vLLM\n[Service]\nExecStart=/opt/vllm/venv/bin/vllm serve /srv/models/llama --host 0.0.0.0 --port 8000\n[Install]\nWantedBy=multi-user.target\n',
  }
}
