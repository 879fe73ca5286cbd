// What a token's signed code says: who issued it, for which grant, until when, how many links it
// makes and at what cost. Pure data and checks; signing and verifying live in jwt.ts.

/** The audience of every token code: only a grant server redeeming an AccessGrant accepts it. */
export const TOKEN_AUDIENCE = 'skupper.io/access-grant';
export const TOKEN_ALGORITHM = 'ES256';
/** Clock difference tolerated between the issuing cluster, the grant server and the redeemer. */
export const CLOCK_LEEWAY_SECONDS = 30;

export interface TokenClaims {
  /** The issuing site: "skupper-site:<name>:<uid>". */
  iss: string;
  /** The AccessGrant's name. */
  sub: string;
  aud: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  redemptionsAllowed: number;
  linkCost: number;
}

export interface Issuer {
  name: string;
  uid: string;
}

export function issuerClaim(site: Issuer): string {
  return `skupper-site:${site.name}:${site.uid}`;
}

export function parseIssuer(iss: string): Issuer | undefined {
  const match = /^skupper-site:([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([0-9a-f-]{1,64})$/.exec(iss);
  return match ? { name: match[1]!, uid: match[3]! } : undefined;
}

export function buildClaims(opts: { site: Issuer; grant: string; jti: string; now: number; windowMs: number; redemptionsAllowed: number; linkCost: number }): TokenClaims {
  const iat = Math.floor(opts.now / 1000);
  return {
    iss: issuerClaim(opts.site),
    sub: opts.grant,
    aud: TOKEN_AUDIENCE,
    jti: opts.jti,
    iat,
    nbf: iat,
    exp: iat + Math.max(1, Math.round(opts.windowMs / 1000)),
    redemptionsAllowed: opts.redemptionsAllowed,
    linkCost: opts.linkCost,
  };
}

/** A compact JWS: three base64url parts. Codes made by upstream Skupper are random words instead. */
export function looksLikeJwt(code: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(code);
}

/** Claims decoded without verifying the signature, or undefined when the code is not a JWT. */
export function peekClaims(code: string): { header: Record<string, unknown>; claims: Partial<TokenClaims> } | undefined {
  if (!looksLikeJwt(code)) return undefined;
  const [header, payload] = code.split('.');
  try {
    const parsed = {
      header: JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Partial<TokenClaims>,
    };
    if (typeof parsed.header !== 'object' || parsed.header === null || typeof parsed.claims !== 'object' || parsed.claims === null) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

/** RFC 3339 without fractions, as Kubernetes and Go print times. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
