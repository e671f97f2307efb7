import {RE2JS} from 're2js'

import {usageError} from '../core/errors.js'
import type {IdentityPolicy, Mismatch, Signer} from './artifacts.types.js'

type Matcher = {describe: string; test: (value: string) => boolean}

function matcherFor(exact: string | undefined, regexp: string | undefined, flag: string): Matcher | undefined {
  if (exact !== undefined && regexp !== undefined) throw usageError(`Give --${flag} or --${flag}-regexp, not both.`)
  if (exact !== undefined) return {describe: JSON.stringify(exact), test: (value) => value === exact}
  if (regexp === undefined) return undefined
  let compiled: RE2JS
  try {
    // Anchored: a pattern that matches part of an identity must not let other identities in.
    compiled = RE2JS.compile(`^(?:${regexp})$`)
  } catch (error) {
    throw usageError(
      `--${flag}-regexp ${JSON.stringify(regexp)} is not a valid RE2 expression: ${(error as Error).message}.`,
    )
  }
  return {describe: `/${regexp}/`, test: (value) => compiled.matches(value)}
}

/**
 * Checks the signer's identity (any of its subject alternative names) and OIDC issuer
 * against the policy; every unmet part is one `identity-mismatch`. Parts the policy leaves
 * out are not checked (keyless verification requires both, see requireKeylessPolicy).
 */
export function checkIdentity(signer: Signer, policy: IdentityPolicy, sigFile: string): Mismatch[] {
  const problems: Mismatch[] = []
  const identity = matcherFor(policy.identity, policy.identityRegexp, 'identity')
  const names = signer.identities ?? []
  if (identity && !names.some((name) => identity.test(name))) {
    const got = names.length ? names.join(', ') : 'no subject alternative name'
    problems.push({path: sigFile, reason: 'identity-mismatch', detail: `signed by ${got}, not ${identity.describe}`})
  }
  const issuer = matcherFor(policy.issuer, policy.issuerRegexp, 'issuer')
  if (issuer && !(signer.oidcIssuer !== undefined && issuer.test(signer.oidcIssuer))) {
    const got = signer.oidcIssuer ?? 'a certificate without an OIDC issuer extension'
    problems.push({path: sigFile, reason: 'identity-mismatch', detail: `issued through ${got}, not ${issuer.describe}`})
  }
  return problems
}

/** Keyless certificates are issued to anyone: the identity and its issuer must both be named. */
export function requireKeylessPolicy(policy: IdentityPolicy, sigFile: string): void {
  const identity = policy.identity ?? policy.identityRegexp
  const issuer = policy.issuer ?? policy.issuerRegexp
  if (identity === undefined || issuer === undefined) {
    throw usageError(
      `${sigFile} was signed with Sigstore keyless signing: pass --identity (or --identity-regexp) and --issuer (or --issuer-regexp) to say who must have signed.`,
    )
  }
}
