// token issue: an AccessGrant whose code is a JWT signed by the site's key, filled in by a grant
// server, turned into an AccessToken. The grant is deleted again if no grant server answers.
import { randomUUID } from 'node:crypto';
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { ACCESS_GRANTS, SKUPPER_API_VERSION, type AccessGrant, type AccessToken, type Site } from '../kube/resources.js';
import { waitFor } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { resolveSite } from '../site/sites.js';
import { requireLinkAccess } from '../link/manifests.js';
import { buildClaims, type TokenClaims } from './claims.js';
import { signingKeyFor } from './signing-keys.js';
import { loadJose, signClaims } from './jwt.js';
import { Operation } from '../operation.js';
import { requireAccess, type Need } from '../kube/access.js';

export interface IssueOptions {
  windowMs: number;
  redemptionsAllowed: number;
  cost: number;
  timeoutMs: number;
  /** Records the grant; committed once the grant is filled (the command finishes it with done(), or undo() if the token cannot be written). */
  op?: Operation;
}

/** What issuing needs, checked before the grant is made: making it, waiting for it, and deleting it when no grant server answers. */
const ISSUE_NEEDS: Need[] = [['create', 'skupper.io', 'accessgrants'], ['get', 'skupper.io', 'accessgrants'], ['list', 'skupper.io', 'accessgrants'], ['watch', 'skupper.io', 'accessgrants'], ['delete', 'skupper.io', 'accessgrants']];

export interface IssuedToken {
  token: AccessToken;
  site: Site;
  claims: TokenClaims;
}

/** Refuses, with what to do, a site that cannot issue tokens. */
export function requireIssuingSite(site: Site, flags = ''): void {
  if (site.spec.edge) throw new SkupperError('NOT_READY', `site "${site.metadata.name}" is an edge site: edge sites cannot accept incoming links, so they cannot issue tokens; issue the token on a site that is not an edge site`);
  requireLinkAccess(site, flags);
}

export async function issueToken(client: KubeClient, opts: IssueOptions): Promise<IssuedToken> {
  loadJose().catch(() => undefined); // a failure surfaces where the code is signed
  const [site] = await Promise.all([resolveSite(client), requireAccess(client, ISSUE_NEEDS, 'issuing a token')]);
  requireIssuingSite(site, client.flags);
  const namespace = client.namespace;
  const name = `${site.metadata.name}-${randomUUID()}`;
  const claims = buildClaims({
    site: { name: site.metadata.name, uid: site.metadata.uid! },
    grant: name,
    jti: randomUUID(),
    now: Date.now(),
    windowMs: opts.windowMs,
    redemptionsAllowed: opts.redemptionsAllowed,
    linkCost: opts.cost,
  });
  const key = await signingKeyFor(client, site, claims.exp);
  const code = await signClaims(claims, key);
  const grant: AccessGrant = {
    apiVersion: SKUPPER_API_VERSION,
    kind: 'AccessGrant',
    metadata: { name, ownerReferences: [{ apiVersion: site.apiVersion, kind: 'Site', name: site.metadata.name, uid: site.metadata.uid! }] },
    spec: { redemptionsAllowed: opts.redemptionsAllowed, expirationWindow: formatDuration(opts.windowMs), code },
  };
  const op = opts.op ?? new Operation();
  const filled = await op.run(async () => {
    await op.create(() => client.create(ACCESS_GRANTS, grant, namespace), () => client.delete(ACCESS_GRANTS, name, namespace, { cleanup: true }));
    const answered = await waitForGrant(client, name, opts.timeoutMs);
    // The token exists now: from here a signal lets the command write it rather than delete the grant.
    op.commit();
    return answered;
  });
  const token: AccessToken = {
    apiVersion: SKUPPER_API_VERSION,
    kind: 'AccessToken',
    metadata: { name },
    spec: { url: filled.status!.url!, code: filled.status!.code!, ca: filled.status!.ca!, linkCost: opts.cost },
  };
  return { token, site, claims };
}

function isFilled(grant: AccessGrant | undefined): boolean {
  return Boolean(grant?.status?.url && grant.status.ca && grant.status.code);
}

/**
 * Part of --timeout kept back from a wait for taking back what the command made when the wait
 * fails: requests end at the command's deadline, and a grant or token left behind is half-made state.
 */
export function cleanupReserve(timeoutMs: number): number {
  return Math.min(1000, Math.floor(timeoutMs / 4));
}

async function waitForGrant(client: KubeClient, name: string, timeoutMs: number): Promise<AccessGrant> {
  const seen = await waitFor(client, {
    type: ACCESS_GRANTS,
    namespace: client.namespace,
    name,
    timeoutMs: timeoutMs - cleanupReserve(timeoutMs),
    done: (objects) => isFilled(objects.get(name)),
    describeTimeout: (objects) => {
      const grant = objects.get(name);
      const said = grant?.status?.message ? `its status says "${grant.status.message}"` : 'it has no status: nothing serves AccessGrants in this namespace';
      return `no grant server answered for AccessGrant "${name}" within ${formatDuration(timeoutMs)} (${said}): run "kubectl skupper grant-server${client.flagsIn()}" where both sites can reach it, or enable grants in the Skupper controller, then issue the token again (the grant was deleted)`;
    },
  });
  return seen.get(name)!;
}
