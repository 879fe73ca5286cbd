// Signing and verifying token codes: compact JWS, ES256 only, keys looked up by kid in the
// issuing site's own key set. jose loads on first use.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { SkupperError } from '../errors.js';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, CLOCK_LEEWAY_SECONDS, type TokenClaims } from './claims.js';
import type { PublicKey, SigningKey } from './signing-keys.js';

type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;
/** Starts loading jose; callers that will sign call it early so the load overlaps their API calls. */
export const loadJose = () => (jose ??= import('jose'));

export async function signClaims(claims: TokenClaims, key: SigningKey): Promise<string> {
  const { SignJWT } = await loadJose();
  const privateKey = createPrivateKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y, d: key.d }, format: 'jwk' });
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' }).sign(privateKey);
}

/** Why a code was refused; never shown to a caller without a valid code. A SkupperError, so that no input makes the verifier throw anything else. */
export class TokenRejected extends SkupperError {
  constructor(
    readonly reason: 'malformed' | 'algorithm' | 'unknown-key' | 'signature' | 'claims' | 'expired' | 'not-yet-valid',
    message: string,
  ) {
    super('TOKEN_REFUSED', message);
  }
}

/** Three base64url parts, each in its one canonical spelling: another spelling of the same bytes (the spare bits of a last character) is another code. */
function canonicalCompact(code: string): boolean {
  const parts = code.split('.');
  // An empty signature (alg none) is let through here to be refused for its algorithm.
  return parts.length === 3 && parts.every((p, i) => (p !== '' || i === 2) && /^[A-Za-z0-9_-]*$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p);
}

export interface Expected {
  /** The grant whose URL was called. */
  grant: string;
  /** The issuer claim of the site that owns the grant. */
  issuer: string;
}

/**
 * Verifies a code: ES256 only, no crit header, a signature by a key of the site's set, the
 * audience, issuer and subject of this grant, nbf/exp with a small leeway. Time is checked last
 * and apart, so that the caller can tell "expired" only to someone whose code is genuine.
 */
export async function verifyCode(code: string, keys: ReadonlyMap<string, PublicKey>, expected: Expected, now = Date.now()): Promise<TokenClaims> {
  const { compactVerify, decodeProtectedHeader, errors } = await loadJose();
  let header;
  try {
    if (typeof code !== 'string' || !canonicalCompact(code)) throw new Error('not canonical');
    header = decodeProtectedHeader(code);
  } catch {
    throw new TokenRejected('malformed', 'not a compact JWS');
  }
  if (header.alg !== TOKEN_ALGORITHM) throw new TokenRejected('algorithm', `algorithm ${String(header.alg)} is not accepted`);
  if (header.crit !== undefined) throw new TokenRejected('algorithm', 'crit headers are not accepted');
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) throw new TokenRejected('unknown-key', 'signed by a key this site does not have');
  let payload: Uint8Array;
  try {
    const publicKey = createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: 'jwk' });
    ({ payload } = await compactVerify(code, publicKey, { algorithms: [TOKEN_ALGORITHM] }));
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) throw new TokenRejected('signature', 'signature does not verify');
    throw err;
  }
  let claims: TokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as TokenClaims;
  } catch {
    throw new TokenRejected('malformed', 'payload is not JSON');
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(TOKEN_AUDIENCE) || claims.iss !== expected.issuer || claims.sub !== expected.grant || typeof claims.jti !== 'string' || !claims.jti) {
    throw new TokenRejected('claims', 'issued for another grant or site');
  }
  if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number') throw new TokenRejected('claims', 'exp or nbf missing');
  const seconds = now / 1000;
  if (claims.nbf > seconds + CLOCK_LEEWAY_SECONDS) throw new TokenRejected('not-yet-valid', 'not valid yet');
  if (claims.exp < seconds - CLOCK_LEEWAY_SECONDS) throw new TokenRejected('expired', 'expired');
  return claims;
}
