import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'

/** Extension sections for the test PKI (openssl x509 -extfile). */
const EXTENSIONS = `
[root]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[ca_pathlen0]
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[ca_constrained]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
nameConstraints=critical,permitted;email:example.com
[leaf]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=email:signer@example.com
[leaf_outside]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
authorityKeyIdentifier=keyid
subjectAltName=email:signer@evil.test
[leaf_critical]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
authorityKeyIdentifier=keyid
1.3.6.1.4.1.99999.1=critical,ASN1:UTF8String:unknown
`

/** A minimal `openssl ca` setup, the only way OpenSSL 3.0 sets arbitrary validity dates. */
const CA_CONFIG = (dir: string) => `
[ca]
default_ca = test
[test]
database = ${dir}/index.txt
new_certs_dir = ${dir}
serial = ${dir}/serial
default_md = sha256
policy = anything
email_in_dn = no
copy_extensions = none
[anything]
commonName = supplied
`

export class OpensslPki {
  constructor(readonly dir: string) {}

  path(name: string, ext = 'pem'): string {
    return join(this.dir, `${name}.${ext}`)
  }

  private async openssl(args: string[]): Promise<void> {
    await execa('openssl', args, {cwd: this.dir, stdin: 'ignore'})
  }

  async key(name: string, spec: 'ec' | 'rsa1024' | 'rsa2048' = 'ec'): Promise<void> {
    const options =
      spec === 'ec'
        ? ['EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : ['RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(3)}`]
    await this.openssl(['genpkey', '-algorithm', ...options, '-out', this.path(name, 'key')])
  }

  async root(name: string): Promise<void> {
    await this.key(name)
    await this.openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      this.path(name, 'key'),
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
      '-config',
      this.path('openssl', 'cnf'),
      '-extensions',
      'root',
      '-out',
      this.path(name),
    ])
  }

  /** Issues `name` (its key made first unless it exists) from `issuer` with an extension section. */
  /** Writes a certificate request for `name`'s key, subject `/CN=name`. */
  private async request(name: string): Promise<void> {
    await this.openssl([
      'req',
      '-new',
      '-key',
      this.path(name, 'key'),
      '-subj',
      `/CN=${name}`,
      '-config',
      this.path('openssl', 'cnf'),
      '-out',
      this.path(name, 'csr'),
    ])
  }

  async issue(
    name: string,
    issuer: string,
    section: string,
    options: {digest?: string; key?: 'ec' | 'rsa1024' | 'rsa2048'} = {},
  ) {
    await this.key(name, options.key ?? 'ec')
    await this.request(name)
    await this.openssl([
      'x509',
      '-req',
      '-in',
      this.path(name, 'csr'),
      '-CA',
      this.path(issuer),
      '-CAkey',
      this.path(issuer, 'key'),
      '-CAcreateserial',
      '-days',
      '30',
      `-${options.digest ?? 'sha256'}`,
      '-extfile',
      this.path('ext', 'cnf'),
      '-extensions',
      section,
      '-out',
      this.path(name),
    ])
  }

  /** Issues a leaf valid only from `start` to `end` (YYYYMMDDHHMMSSZ). */
  async issueDated(name: string, issuer: string, start: string, end: string): Promise<void> {
    await this.key(name)
    await this.request(name)
    await this.openssl([
      'ca',
      '-batch',
      '-config',
      this.path('ca', 'cnf'),
      '-cert',
      this.path(issuer),
      '-keyfile',
      this.path(issuer, 'key'),
      '-startdate',
      start,
      '-enddate',
      end,
      '-extfile',
      this.path('ext', 'cnf'),
      '-extensions',
      'leaf',
      '-in',
      this.path(name, 'csr'),
      '-out',
      this.path(name),
    ])
  }

  /** PEM file holding the named certificates. */
  async bundle(file: string, names: string[]): Promise<string> {
    const pems = await Promise.all(names.map((name) => readFile(this.path(name), 'utf8')))
    await writeFile(this.path(file), pems.join(''))
    return this.path(file)
  }

  /** Whether `openssl verify -x509_strict -auth_level 2` accepts the leaf. */
  async opensslAccepts(leaf: string, trusted: string[], untrusted: string[], partialChain = false): Promise<boolean> {
    const args = ['verify', '-x509_strict', '-auth_level', '2', '-CAfile', await this.bundle(`trust-${leaf}`, trusted)]
    if (untrusted.length) args.push('-untrusted', await this.bundle(`chain-${leaf}`, untrusted))
    if (partialChain) args.push('-partial_chain')
    const run = await execa('openssl', [...args, this.path(leaf)], {cwd: this.dir, reject: false, stdin: 'ignore'})
    return run.exitCode === 0
  }
}

/** Makes the PKI directory with its openssl configuration files. */
export async function createPki(dir: string): Promise<OpensslPki> {
  await mkdir(dir, {recursive: true})
  const pki = new OpensslPki(dir)
  await writeFile(pki.path('ext', 'cnf'), EXTENSIONS)
  await writeFile(pki.path('ca', 'cnf'), CA_CONFIG(dir))
  await writeFile(pki.path('openssl', 'cnf'), `[req]\ndistinguished_name = dn\n[dn]\n${EXTENSIONS}`)
  await writeFile(join(dir, 'index.txt'), '')
  await writeFile(join(dir, 'serial'), '1000\n')
  return pki
}
