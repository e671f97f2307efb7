import {createHash, generateKeyPairSync, randomBytes} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdtemp, open} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import forge from 'node-forge'

/** An RSA key pair and a self-signed X.509 certificate made with node-forge. */
export function makeRsaCertificate(commonName = 'llmsec test'): {certPem: string; keyPem: string; publicPem: string} {
  const pair = generateKeyPairSync('rsa', {modulusLength: 2048})
  const keyPem = pair.privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
  const publicPem = pair.publicKey.export({type: 'spki', format: 'pem'}).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem)
  cert.serialNumber = '01'
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + 86_400_000)
  const attrs = [{name: 'commonName', value: commonName}]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create())
  return {certPem: forge.pki.certificateToPem(cert), keyPem, publicPem}
}

/** An EC (P-256/P-384/P-521) or X25519 key pair as PEM. */
export function makeEcKeys(curve: 'prime256v1' | 'secp384r1' | 'secp521r1' | 'x25519'): {
  keyPem: string
  publicPem: string
} {
  const pair = curve === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', {namedCurve: curve})
  return {
    keyPem: pair.privateKey.export({type: 'pkcs8', format: 'pem'}).toString(),
    publicPem: pair.publicKey.export({type: 'spki', format: 'pem'}).toString(),
  }
}

/** A fresh temporary directory, on /dev/shm when it exists (big files stay off the disk). */
export async function makeTempDir(prefix: string, preferShm = false): Promise<string> {
  const base = preferShm ? '/dev/shm' : tmpdir()
  return mkdtemp(join(base, `llmsec-${prefix}-`)).catch(() => mkdtemp(join(tmpdir(), `llmsec-${prefix}-`)))
}

/**
 * Writes `size` bytes fast: a 1 MiB random block repeated, each MiB stamped with its index so
 * that no two chunks are equal (swaps and moves would otherwise go unseen in a comparison).
 */
export async function writeLargeFile(path: string, size: number): Promise<void> {
  const block = randomBytes(1024 * 1024)
  const handle = await open(path, 'w')
  try {
    for (let at = 0, index = 0; at < size; at += block.length, index++) {
      block.writeUInt32BE(index, 0)
      const length = Math.min(block.length, size - at)
      await handle.write(block, 0, length, at)
    }
  } finally {
    await handle.close()
  }
}

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, {highWaterMark: 4 * 1024 * 1024})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
