import {X509Certificate} from 'node:crypto'

import {artifactsError} from './errors.js'
import {readPemFile} from './keys.js'
import {append} from '../core/arrays.js'

/**
 * X.509 KeyUsage bits (RFC 5280 order, as @peculiar/x509 numbers them). Kept here so
 * that loading them does not load the X.509 library, which only certificate work needs.
 */
export const KeyUsage = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
} as const

/** Splits PEM text into certificates; errors name the file. */
export function parsePemCertificates(pem: string, file: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw artifactsError('CERT_MALFORMED', `${file} holds no PEM certificate.`)
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block)
    } catch (error) {
      throw artifactsError(
        'CERT_MALFORMED',
        `Certificate ${i + 1} in ${file} is malformed: ${(error as Error).message}.`,
      )
    }
  })
}

/** Reads every certificate of one or more PEM files. */
export async function loadCertificates(files: string[]): Promise<X509Certificate[]> {
  const all: X509Certificate[] = []
  for (const file of files) append(all, parsePemCertificates(await readPemFile(file, 'certificate'), file))
  return all
}
