import type {LlmsecConfig} from '../core/config.js'
import type {ModelTrust} from './facts/index.js'

/**
 * The model-signature trust of llmsec.yaml's `signing` section, as `llmsec verify` reads it: a
 * certificate chain when given, else the public key; a Sigstore trust root with identity and issuer.
 * Undefined when nothing is configured (the signature check then reports an error with a hint).
 */
export function modelTrust(signing: LlmsecConfig['signing']): ModelTrust | undefined {
  if (!signing) return undefined
  const trust: ModelTrust = {
    ...(signing.certChain?.length ? {certChain: signing.certChain} : signing.publicKey ? {key: signing.publicKey} : {}),
    ...(signing.trustRoot ? {trustRoot: signing.trustRoot} : {}),
    ...(signing.identity ? {identity: signing.identity} : {}),
    ...(signing.issuer ? {issuer: signing.issuer} : {}),
  }
  return trust.key || trust.certChain || trust.trustRoot ? trust : undefined
}
