// The token-signing keys of a site: a Secret in the site's namespace holding a JWKS-like set of
// ES256 keys, each with a kid. The newest key signs; older keys stay in the set, able to verify,
// until every token they signed has expired. Created on first use; changed only with the
// resourceVersion we read, so two writers never lose each other's keys.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { SECRETS, type Secret, type Site } from '../kube/resources.js';
import { TOKEN_ALGORITHM } from './claims.js';

export const SIGNING_KEYS_SECRET = 'skupper-token-signing-keys';
const DATA_KEY = 'keys.json';
/** A key signs new tokens for this long, then a new one takes over. */
const SIGNING_PERIOD_MS = 30 * 24 * 3600_000;
/** verifyUntil moves in steps of this much, so most tokens need no write to the Secret. */
const VERIFY_STEP_MS = 24 * 3600_000;

export interface SigningKey {
  kid: string;
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
  alg: 'ES256';
  use: 'sig';
  /** When the key was made (RFC 3339). */
  created: string;
  /** Until when tokens it signed may be valid (RFC 3339): it is kept until then. */
  verifyUntil: string;
}

export interface KeySet {
  keys: SigningKey[];
}

export type PublicKey = Omit<SigningKey, 'd'>;

function newKey(now: number): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; y: string; d: string };
  const created = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  return { kid: `${created.slice(0, 10).replaceAll('-', '')}-${randomBytes(6).toString('hex')}`, kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d, alg: TOKEN_ALGORITHM, use: 'sig', created, verifyUntil: created };
}

export function readKeySet(secret: Secret | undefined): KeySet {
  const raw = secret?.data?.[DATA_KEY];
  if (!raw) return { keys: [] };
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as KeySet;
    return { keys: (parsed.keys ?? []).filter((k) => k && typeof k.kid === 'string' && k.kty === 'EC' && k.crv === 'P-256') };
  } catch {
    throw new SkupperError('NOT_READY', `the Secret "${SIGNING_KEYS_SECRET}" does not hold a readable key set: delete it to start a new one (tokens already issued will stop working)`);
  }
}

/**
 * The key to sign a token expiring at `expSeconds`, made or rotated as needed, and recorded so
 * that it stays verifiable until then. Keys whose tokens have all expired are dropped.
 */
export async function signingKeyFor(client: KubeClient, site: Site, expSeconds: number, now = Date.now()): Promise<SigningKey> {
  const namespace = site.metadata.namespace ?? client.namespace;
  for (let attempt = 0; attempt < 5; attempt++) {
    const secret = await client.find(SECRETS, SIGNING_KEYS_SECRET, namespace);
    const set = readKeySet(secret);
    let changed = false;
    let active = set.keys.at(-1);
    if (!active || Date.parse(active.created) + SIGNING_PERIOD_MS < now) {
      active = newKey(now);
      set.keys.push(active);
      changed = true;
    }
    if (Date.parse(active.verifyUntil) < expSeconds * 1000) {
      active.verifyUntil = new Date(expSeconds * 1000 + VERIFY_STEP_MS).toISOString().replace(/\.\d+Z$/, 'Z');
      changed = true;
    }
    const kept = set.keys.filter((k) => k === active || Date.parse(k.verifyUntil) >= now);
    if (kept.length !== set.keys.length) changed = true;
    if (!changed) return active;
    const data = { [DATA_KEY]: Buffer.from(JSON.stringify({ keys: kept })).toString('base64') };
    try {
      if (!secret) {
        await client.create(SECRETS, keySecret(site, data), namespace);
      } else {
        await client.patch(SECRETS, SIGNING_KEYS_SECRET, { metadata: { resourceVersion: secret.metadata.resourceVersion }, data }, namespace);
      }
      return active;
    } catch (err) {
      // Someone else wrote the set between our read and write: read it again.
      if (err instanceof SkupperError && err.code === 'CONFLICT') continue;
      throw err;
    }
  }
  throw new SkupperError('CONFLICT', `the Secret "${SIGNING_KEYS_SECRET}" in namespace "${namespace}" keeps changing under us: try again`);
}

/** The public half of every key of a site, by kid. */
export function publicKeys(secret: Secret | undefined): Map<string, PublicKey> {
  const keys = new Map<string, PublicKey>();
  for (const { d: _private, ...key } of readKeySet(secret).keys) keys.set(key.kid, key);
  return keys;
}

function keySecret(site: Site, data: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: SIGNING_KEYS_SECRET,
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-skupper' },
      ownerReferences: [{ apiVersion: site.apiVersion, kind: 'Site', name: site.metadata.name, uid: site.metadata.uid! }],
    },
    type: 'Opaque',
    data,
  };
}
