// One redemption, in the order that keeps the grant's secrets: the code is checked first (in
// constant time, then as a JWT of this grant's site), and only a caller with a genuine code learns
// whether the grant expired or is used up. The credentials are made before the use is counted, and
// the count is written with the resourceVersion read, so N allowed uses give exactly N links.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { ACCESS_GRANTS, type AccessGrant } from '../kube/resources.js';
import { looksLikeJwt } from '../token/claims.js';
import { TokenRejected, verifyCode } from '../token/jwt.js';
import type { PublicKey } from '../token/signing-keys.js';
import { allowedRedemptions } from './grant-status.js';

export type Refusal =
  | { kind: 'refused'; reason: string }
  | { kind: 'expired' }
  | { kind: 'used-up'; allowed: number }
  | { kind: 'failed'; message: string };

/** Upstream's answers, status and text, so that upstream redeemers understand us. */
export function httpAnswer(outcome: Refusal | { kind: 'unknown' }): [number, string] {
  switch (outcome.kind) {
    case 'unknown':
    case 'expired':
      return [404, 'No such claim'];
    case 'used-up':
      return [404, 'No such access granted'];
    case 'refused':
      return [403, 'Redemption of access token refused'];
    case 'failed':
      return [503, 'Internal error'];
  }
}

/** True when the posted code is the grant's, compared in constant time; a grant of undefined spends the same time and says no. */
export function codeMatches(grant: AccessGrant | undefined, posted: string): boolean {
  const stored = grant?.status?.code ?? '';
  const same = sameCode(posted, stored || UNUSABLE);
  return Boolean(stored) && same;
}

/** Compared against when there is no grant, so that an unknown grant costs what a known one does. */
const UNUSABLE = '\u0000no grant';

function sameCode(a: string, b: string): boolean {
  // Digests have one length whatever the inputs, so the comparison time says nothing about them.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** 'ok', or why the code does not redeem this grant. */
export async function checkCode(grant: AccessGrant, posted: string, keys: () => Promise<ReadonlyMap<string, PublicKey>>, issuer: string, now = Date.now()): Promise<'ok' | Refusal> {
  const stored = grant.status?.code ?? '';
  if (!codeMatches(grant, posted)) return { kind: 'refused', reason: 'wrong code' };
  if (looksLikeJwt(stored)) {
    try {
      await verifyCode(posted, await keys(), { grant: grant.metadata.name, issuer }, now);
    } catch (err) {
      if (err instanceof TokenRejected) return err.reason === 'expired' ? { kind: 'expired' } : { kind: 'refused', reason: err.message };
      throw err;
    }
  }
  const expires = Date.parse(grant.status?.expirationTime ?? '');
  if (!Number.isFinite(expires)) return { kind: 'failed', message: 'the grant has no readable expirationTime' };
  if (expires <= now) return { kind: 'expired' };
  if ((grant.status?.redemptions ?? 0) >= allowedRedemptions(grant)) return { kind: 'used-up', allowed: allowedRedemptions(grant) };
  return 'ok';
}

export interface Counted {
  /** The grant as written. */
  grant: AccessGrant;
  /** How many of the wanted uses were counted (0 when none was left). */
  granted: number;
  /** The count before this write. */
  before: number;
}

/**
 * Counts up to `wanted` uses in one write (redemptions waiting at the same moment share it), with
 * the resourceVersion of the grant we hold, re-reading it on a conflict. Never more than allowed.
 */
export async function countUses(client: KubeClient, grant: AccessGrant, wanted: number): Promise<Counted> {
  let current = grant;
  for (let attempt = 0; attempt < 20; attempt++) {
    const used = current.status?.redemptions ?? 0;
    const granted = Math.max(0, Math.min(wanted, allowedRedemptions(current) - used));
    if (granted === 0) return { grant: current, granted, before: used };
    try {
      const written = await client.patch(ACCESS_GRANTS, current.metadata.name, { metadata: { resourceVersion: current.metadata.resourceVersion }, status: { redemptions: used + granted } }, current.metadata.namespace, 'status');
      return { grant: written, granted, before: used };
    } catch (err) {
      if (!(err instanceof SkupperError && err.code === 'CONFLICT')) throw err;
      current = await client.get(ACCESS_GRANTS, current.metadata.name, current.metadata.namespace);
    }
  }
  throw new SkupperError('CONFLICT', `AccessGrant "${grant.metadata.name}" kept changing while its use was counted`);
}
