// Signing keys for tests that sign and verify token codes without a cluster.
import { generateKeyPairSync } from 'node:crypto';
import type { PublicKey, SigningKey } from '../../src/token/signing-keys.js';

/** A fresh ES256 signing key with the given kid, shaped as the site's key Secret holds it. */
export function testSigningKey(kid: string): SigningKey {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as { x: string; y: string; d: string };
  return { ...jwk, kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', created: '', verifyUntil: '' };
}

/** The key set a verifier holds: the public half, by kid. */
export function keySetOf(...keys: SigningKey[]): Map<string, PublicKey> {
  return new Map(keys.map(({ d: _d, ...publicKey }) => [publicKey.kid, publicKey]));
}
