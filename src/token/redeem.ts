// token redeem: exchange a token for link credentials and create them in the local site, either
// by calling the grant server from here or by handing an AccessToken to the site's controller.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { ACCESS_TOKENS, LINKS, SECRETS, type AccessToken, type Link, type OwnerReference, type Site } from '../kube/resources.js';
import { waitFor } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { resolveSite } from '../site/sites.js';
import { MANAGED_BY } from '../link/credentials.js';
import { parseIssuer, peekClaims, rfc3339 } from './claims.js';
import { parseGrantResponse } from './response.js';
import { cleanupReserve } from './issue.js';
import { postCode } from './post.js';
import { Operation } from '../operation.js';
import { requireAccess, type Need } from '../kube/access.js';

export interface RedeemOptions {
  name?: string;
  cost?: number;
  viaController: boolean;
  timeoutMs: number;
  now?: number;
  /** Records what is made, so that a failure or a signal leaves all of it or none (the command finishes it with done()). */
  op?: Operation;
}

/** What a direct redemption needs, checked before the token's use is spent: the creates, and the deletes that take them back. */
const DIRECT_NEEDS: Need[] = [['create', '', 'secrets'], ['delete', '', 'secrets'], ['create', 'skupper.io', 'links'], ['delete', 'skupper.io', 'links']];
/** What handing the token to the controller needs: the AccessToken, watching it, deleting it again, and finding its links. */
const CONTROLLER_NEEDS: Need[] = [['create', 'skupper.io', 'accesstokens'], ['delete', 'skupper.io', 'accesstokens'], ['list', 'skupper.io', 'accesstokens'], ['watch', 'skupper.io', 'accesstokens'], ['list', 'skupper.io', 'links']];

export interface RedeemResult {
  links: string[];
  secret?: string;
  /** The links were already there: the token was redeemed here before. */
  existed: boolean;
}

/** Refuses an expired token from its own claims, before any network call. */
export function refuseIfExpired(token: AccessToken, now = Date.now()): void {
  const exp = peekClaims(token.spec.code)?.claims.exp;
  if (typeof exp === 'number' && exp * 1000 <= now) {
    throw new SkupperError('TOKEN_EXPIRED', `token "${token.metadata.name}" expired at ${rfc3339(exp)} (${formatDuration(now - exp * 1000).replace(/\.\d+s$/, 's')} ago): ask the issuing site for a new one`);
  }
}

export async function redeemToken(client: KubeClient, token: AccessToken, opts: RedeemOptions): Promise<RedeemResult> {
  refuseIfExpired(token, opts.now);
  const name = opts.name ?? token.metadata.name;
  const [site, links] = await Promise.all([resolveSite(client), client.list(LINKS)]);
  refuseOwnToken(token, site);
  const existing = links.items.filter((l) => l.metadata.name === name || (l.metadata.name.startsWith(`${name}-`) && l.spec.tlsCredentials === name));
  if (existing.length > 0) return { links: existing.map((l) => l.metadata.name).sort(), secret: name, existed: true };
  await requireAccess(client, opts.viaController ? CONTROLLER_NEEDS : DIRECT_NEEDS, `redeeming token "${token.metadata.name}"`, 'the token was not used and nothing was made');
  const op = opts.op ?? new Operation();
  return op.run((o) => (opts.viaController ? viaController(client, token, name, opts, o) : direct(client, site, token, name, opts, o)));
}

/**
 * A token issued by this very site would link the site to itself: the router would dial its own
 * listener, and a use of the token would be spent on it. Refused before the grant server is asked.
 */
function refuseOwnToken(token: AccessToken, site: Site): void {
  const iss = peekClaims(token.spec.code)?.claims.iss;
  const issuer = typeof iss === 'string' ? parseIssuer(iss) : undefined;
  if (!issuer || issuer.uid !== site.metadata.uid) return;
  throw new SkupperError('INPUT', `token "${token.metadata.name}" was issued by site "${site.metadata.name}" in namespace "${site.metadata.namespace}", the site it would be redeemed into: a site cannot link to itself; redeem it in the other site's namespace or cluster (with -n or --context)`);
}

async function direct(client: KubeClient, site: Site, token: AccessToken, name: string, opts: RedeemOptions, op: Operation): Promise<RedeemResult> {
  // The point of no return: once the code is sent, the grant server may spend a use. From here a
  // signal lets the redemption finish; what it makes then stands.
  op.commit();
  const answer = await postCode(token, { name, subject: site.metadata.uid! }, opts.timeoutMs);
  if (answer.status !== 200) throw refusal(token, answer.status, answer.body.trim());
  const { secret, links } = await parseGrantResponse(answer.body, name, new URL(token.spec.url).host);
  const cost = opts.cost ?? (token.spec.linkCost && token.spec.linkCost > 0 ? token.spec.linkCost : undefined);
  const owner: OwnerReference = { apiVersion: site.apiVersion, kind: 'Site', name: site.metadata.name, uid: site.metadata.uid! };
  secret.metadata = { ...secret.metadata, labels: { ...MANAGED_BY }, ownerReferences: [owner] };
  const take = (type: typeof SECRETS | typeof LINKS, n: string) => () => client.delete(type, n, client.namespace, { cleanup: true });
  try {
    await op.create(() => client.create(SECRETS, secret, client.namespace, { cleanup: true }), take(SECRETS, secret.metadata.name));
    for (const link of links) {
      const withOwner: Link = { ...link, metadata: { ...link.metadata, ownerReferences: [owner] }, spec: { ...link.spec, ...(cost ? { cost } : {}) } };
      await op.create(() => client.create(LINKS, withOwner, client.namespace, { cleanup: true }), take(LINKS, link.metadata.name));
    }
  } catch (err) {
    // No half-made link: the operation takes back what was made; the person learns the use is gone.
    const message = err instanceof Error ? err.message : String(err);
    throw new SkupperError(err instanceof SkupperError ? err.code : 'API', `${message}; token "${token.metadata.name}" was redeemed (one use spent) but its Secret and Link could not all be created, so none was kept: ask the issuing site for a new token`, { cause: err });
  }
  return { links: links.map((l) => l.metadata.name), secret: secret.metadata.name, existed: false };
}

/** The grant server's answer, as one line that says what happened. Texts are upstream's protocol. */
function refusal(token: AccessToken, status: number, body: string): SkupperError {
  const claims = peekClaims(token.spec.code)?.claims;
  const host = new URL(token.spec.url).host;
  if (status === 404 && body === 'No such access granted') {
    const uses = claims?.redemptionsAllowed;
    return new SkupperError('TOKEN_USED_UP', `token "${token.metadata.name}" is used up${uses ? ` (${uses} of ${uses} redemptions made)` : ''}: ask the issuing site for a new one`);
  }
  if (status === 404 && body === 'No such claim') {
    return new SkupperError('TOKEN_EXPIRED', `the grant server at ${host} does not know token "${token.metadata.name}" or it has expired${claims?.exp ? ` (it expires at ${rfc3339(claims.exp)})` : ''}: ask the issuing site for a new one`);
  }
  if (status === 403) return new SkupperError('TOKEN_REFUSED', `the grant server at ${host} refused token "${token.metadata.name}" (${body || 'forbidden'}): the file was changed or belongs to another grant; ask the issuing site for a new one`);
  return new SkupperError('TOKEN_REFUSED', `the grant server at ${host} refused token "${token.metadata.name}" (HTTP ${status}${body ? `: ${body.split('\n')[0]!.slice(0, 200)}` : ''})`);
}

async function viaController(client: KubeClient, token: AccessToken, name: string, opts: RedeemOptions, op: Operation): Promise<RedeemResult> {
  const object: AccessToken = { ...token, metadata: { name }, spec: { ...token.spec, ...(opts.cost ? { linkCost: opts.cost } : {}) } };
  // Until the controller has redeemed it, a failure or a signal deletes the AccessToken again.
  const removeToken = () => client.delete(ACCESS_TOKENS, name, client.namespace, { cleanup: true }).catch(() => undefined);
  await op.create(() => client.create(ACCESS_TOKENS, object), removeToken);
  let failure: string | undefined;
  await waitFor(client, {
    type: ACCESS_TOKENS,
    namespace: client.namespace,
    name,
    timeoutMs: opts.timeoutMs - cleanupReserve(opts.timeoutMs),
    done: (seen) => {
      const current = seen.get(name);
      const redeemed = current?.status?.conditions?.find((c) => c.type === 'Redeemed');
      if (redeemed?.status === 'False' && redeemed.reason === 'Error') failure = redeemed.message;
      return redeemed?.status === 'True' || failure !== undefined;
    },
    describeTimeout: (seen) => {
      const current = seen.get(name);
      const said = current?.status?.message ? `its status says "${current.status.message}"` : 'it has no status: is the Skupper controller running in this namespace?';
      return `the site's controller did not redeem AccessToken "${name}" within ${formatDuration(opts.timeoutMs)} (${said}); the AccessToken was deleted: try again, or redeem without --via-controller`;
    },
  });
  if (failure !== undefined) throw new SkupperError('TOKEN_REFUSED', `the site's controller could not redeem token "${name}": ${failure}`);
  // Redeemed: the controller made the Secret and Link; from here the operation finishes.
  op.commit();
  const links = (await client.list(LINKS)).items.filter((l) => l.spec.tlsCredentials === name).map((l) => l.metadata.name).sort();
  return { links, secret: name, existed: false };
}
