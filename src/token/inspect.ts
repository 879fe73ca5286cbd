// token inspect: what a token file says about itself, read without contacting anything. The
// signature is not checked here (only the issuing site holds the keys); the grant server checks it.
import type { AccessToken } from '../kube/resources.js';
import { parseIssuer, peekClaims, rfc3339 } from './claims.js';

export interface TokenDescription {
  name: string;
  url: string;
  /** "jwt": a signed token from kubectl-skupper; "opaque": a random code, as the upstream CLI makes. */
  format: 'jwt' | 'opaque';
  issuerSite?: string;
  issuerUid?: string;
  grant?: string;
  issued?: string;
  expires?: string;
  expired?: boolean;
  redemptionsAllowed?: number;
  linkCost?: number;
  keyId?: string;
}

export function describeToken(token: AccessToken, now = Date.now()): TokenDescription {
  const base = { name: token.metadata.name, url: token.spec.url };
  const peeked = peekClaims(token.spec.code);
  if (!peeked) return { ...base, format: 'opaque', ...(token.spec.linkCost ? { linkCost: token.spec.linkCost } : {}) };
  const { header, claims } = peeked;
  const issuer = typeof claims.iss === 'string' ? parseIssuer(claims.iss) : undefined;
  return {
    ...base,
    format: 'jwt',
    ...(issuer ? { issuerSite: issuer.name, issuerUid: issuer.uid } : {}),
    ...(typeof claims.sub === 'string' ? { grant: claims.sub } : {}),
    ...(typeof claims.iat === 'number' ? { issued: rfc3339(claims.iat) } : {}),
    ...(typeof claims.exp === 'number' ? { expires: rfc3339(claims.exp), expired: claims.exp * 1000 <= now } : {}),
    ...(typeof claims.redemptionsAllowed === 'number' ? { redemptionsAllowed: claims.redemptionsAllowed } : {}),
    linkCost: token.spec.linkCost || claims.linkCost,
    ...(typeof header.kid === 'string' ? { keyId: header.kid } : {}),
  };
}
