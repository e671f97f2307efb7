import {createPrivateKey, X509Certificate} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'

import type {ResourceDescriptor, Serialization} from '../../src/artifacts/artifacts.types.js'
import {IN_TOTO_PAYLOAD_TYPE, signPayload} from '../../src/artifacts/dsse.js'
import {computeRootDigest} from '../../src/artifacts/index.js'

/** A statement as another OMS signer might write it; each part can be overridden to craft attacks. */
export interface CraftedStatement {
  resources: ResourceDescriptor[]
  serialization: Serialization
  subjects?: {name: string; digest: {sha256: string}}[]
}

async function derOf(pemFile: string): Promise<{rawBytes: string}> {
  return {rawBytes: new X509Certificate(await readFile(pemFile)).raw.toString('base64')}
}

/**
 * Writes a key-method bundle (or, given certificate PEM files, leaf first, a certificate-method one) over a crafted statement, signed with a PEM private key: the
 * way the reference (or an attacker holding some key) would, without llmsec's own checks.
 */
export async function writeCraftedBundle(
  path: string,
  privateKeyPem: string,
  statement: CraftedStatement,
  certificates: string[] = [],
) {
  const subjects = statement.subjects ?? [{name: 'model', digest: {sha256: computeRootDigest(statement.resources)}}]
  const payload = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects,
      predicateType: 'https://model_signing/signature/v1.0',
      predicate: {resources: statement.resources, serialization: statement.serialization},
    }),
  )
  const key = createPrivateKey(await readFile(privateKeyPem))
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: certificates.length
      ? {x509CertificateChain: {certificates: await Promise.all(certificates.map(derOf))}, tlogEntries: []}
      : {publicKey: {hint: 'unused'}, tlogEntries: []},
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{sig: signPayload(IN_TOTO_PAYLOAD_TYPE, payload, key).toString('base64'), keyid: ''}],
    },
  }
  await writeFile(path, JSON.stringify(bundle))
}
