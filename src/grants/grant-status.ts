// Filling in an AccessGrant's status as the upstream grant server does (url, ca, code,
// expirationTime, redemptions, conditions Processed/Resolved/Ready), with two differences: the
// expiry runs from when the token was issued, and a grant without a code gets a signed JWT.
import { randomUUID } from 'node:crypto';
import type { AccessGrant, AccessGrantStatus, Condition, Site } from '../kube/resources.js';
import { parseDuration } from '../duration.js';
import { buildClaims, peekClaims, rfc3339 } from '../token/claims.js';

/** Upstream's grant server gives a grant without expirationWindow ten minutes. */
export const DEFAULT_WINDOW_MS = 10 * 60_000;

export type Ownership = 'unclaimed' | 'ours' | 'theirs';

export function ownership(grant: AccessGrant, baseUrl: string): Ownership {
  const url = grant.status?.url;
  if (!url) return 'unclaimed';
  return url === `${baseUrl}/${grant.metadata.uid}` ? 'ours' : 'theirs';
}

/** True when the status already says everything a token needs, from us. */
export function isFilled(grant: AccessGrant, baseUrl: string, ca: string): boolean {
  const s = grant.status;
  return ownership(grant, baseUrl) === 'ours' && s?.ca === ca && Boolean(s.code) && Boolean(s.expirationTime) && Boolean(s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

export function allowedRedemptions(grant: AccessGrant): number {
  return grant.spec.redemptionsAllowed && grant.spec.redemptionsAllowed > 0 ? grant.spec.redemptionsAllowed : 1;
}

export interface FillInputs {
  baseUrl: string;
  ca: string;
  site: Site;
  now: number;
  /** Signs claims for a grant that has no code of its own. */
  mint: (claims: ReturnType<typeof buildClaims>) => Promise<string>;
}

/** The status to write; an Error status when the grant cannot be served as written. */
export async function grantStatus(grant: AccessGrant, inputs: FillInputs): Promise<AccessGrantStatus> {
  const generation = grant.metadata.generation ?? 1;
  const previous = grant.status ?? {};
  let windowMs = DEFAULT_WINDOW_MS;
  if (grant.spec.expirationWindow) {
    try {
      windowMs = parseDuration(grant.spec.expirationWindow, 'expirationWindow');
    } catch {
      const message = `Invalid duration "${grant.spec.expirationWindow}": use a duration such as 15m or 1h`;
      return { ...previous, status: 'Error', message, conditions: [condition('Processed', false, 'Error', message, generation, previous.conditions)] };
    }
  }
  const issued = Date.parse(grant.metadata.creationTimestamp ?? '') || inputs.now;
  let code = previous.code || grant.spec.code;
  if (!code) {
    const claims = buildClaims({
      site: { name: inputs.site.metadata.name, uid: inputs.site.metadata.uid! },
      grant: grant.metadata.name,
      jti: randomUUID(),
      now: issued,
      windowMs,
      redemptionsAllowed: allowedRedemptions(grant),
      linkCost: 1,
    });
    code = await inputs.mint(claims);
  }
  const exp = peekClaims(code)?.claims.exp;
  const expirationTime = previous.expirationTime || (typeof exp === 'number' ? rfc3339(exp) : rfc3339(Math.floor((issued + windowMs) / 1000)));
  const ok = (type: string) => condition(type, true, 'Ready', 'OK', generation, previous.conditions);
  return {
    ...previous,
    url: `${inputs.baseUrl}/${grant.metadata.uid}`,
    ca: inputs.ca,
    code,
    expirationTime,
    redemptions: previous.redemptions ?? 0,
    status: 'Ready',
    message: 'OK',
    conditions: [ok('Processed'), ok('Resolved'), ok('Ready')],
  };
}

function condition(type: string, ok: boolean, reason: string, message: string, generation: number, previous: Condition[] | undefined): Condition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  return { type, status, reason, message, observedGeneration: generation, lastTransitionTime: before?.status === status ? before.lastTransitionTime : rfc3339(Math.floor(Date.now() / 1000)) };
}
