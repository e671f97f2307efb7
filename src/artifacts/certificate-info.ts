import 'reflect-metadata'

import type {X509Certificate} from 'node:crypto'

import * as x509 from '@peculiar/x509'

import type {Signer} from './artifacts.types.js'
import {publicKeyHint} from './keys.js'

/** Fulcio's OIDC issuer extensions: v2 holds a DER UTF8String, v1 (deprecated) the raw bytes. */
const FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8'
const FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1'
const SAN_TYPES = new Set(['email', 'url', 'dns', 'ip', 'upn'])

/** The content of a DER UTF8String (tag 12), or undefined when the bytes are not one. */
function derUtf8String(bytes: Buffer): string | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x0c) return undefined
  let length = bytes[1]
  let offset = 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 2 || bytes.length < 2 + count) return undefined
    length = count === 1 ? bytes[2] : bytes.readUInt16BE(2)
    offset += count
  }
  if (offset + length !== bytes.length) return undefined
  return bytes.subarray(offset).toString('utf8')
}

function oidcIssuerOf(cert: x509.X509Certificate): string | undefined {
  const v2 = cert.getExtension(FULCIO_ISSUER_V2)
  if (v2) return derUtf8String(Buffer.from(v2.value))
  const v1 = cert.getExtension(FULCIO_ISSUER_V1)
  return v1 ? Buffer.from(v1.value).toString('utf8') : undefined
}

/** A distinguished name on one line; Fulcio leaves the subject empty (node:crypto gives undefined). */
function oneLine(name: string | undefined): string {
  return (name ?? '').split('\n').filter(Boolean).join(', ')
}

/**
 * Who a leaf certificate names: key fingerprint, subject alternative names (the identities
 * a policy matches), the Fulcio OIDC issuer, subject, issuer, serial and validity.
 */
export function describeLeaf(leaf: X509Certificate): Signer {
  const parsed = new x509.X509Certificate(leaf.raw)
  const san = parsed.getExtension(x509.SubjectAlternativeNameExtension)
  const identities = (san?.names.items ?? []).filter((name) => SAN_TYPES.has(name.type)).map((name) => name.value)
  const signer: Signer = {
    keyFingerprint: publicKeyHint(leaf.publicKey),
    identities,
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    serialNumber: leaf.serialNumber.toLowerCase(),
    notBefore: parsed.notBefore.toISOString(),
    notAfter: parsed.notAfter.toISOString(),
  }
  const oidcIssuer = oidcIssuerOf(parsed)
  if (oidcIssuer !== undefined) signer.oidcIssuer = oidcIssuer
  return signer
}
