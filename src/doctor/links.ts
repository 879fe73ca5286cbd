// The site's links, and whether a grant server will answer the tokens this site issues.
import type { KubeClient } from '../kube/client.js';
import { ACCESS_GRANTS, LEASES, type Link } from '../kube/resources.js';
import { isLinkReady } from '../link/links.js';
import { cannotTell, fail, flagsFor, pass, warn, type Check, type Clock, type Where } from './check.js';

/** The Lease our grant server holds in each namespace it serves (the contract with the grant-server command). */
export const GRANT_SERVER_LEASE = 'kubectl-skupper-grant-server';
export const GRANT_SERVER_URL_ANNOTATION = 'skupper.io/grant-server-url';

export async function checkLinks(client: KubeClient, links: Link[], where: Where, timeoutMs: number): Promise<Check[]> {
  if (links.length === 0) return [pass('links', 'Links', 'this site has no links of its own (sites may still link to it)')];
  const { checkLink } = await import('../link/check.js');
  return Promise.all(
    links.map(async (link) => {
      const id = `link/${link.metadata.name}`;
      const title = `Link ${link.metadata.name}`;
      const remote = link.status?.remoteSiteName ? ` to site "${link.status.remoteSiteName}"` : '';
      if (isLinkReady(link)) return pass(id, title, `Ready${remote}, cost ${link.spec.cost ?? 1}`);
      const state = `${link.status?.status ?? 'Pending'}${link.status?.message ? `: ${link.status.message}` : ''}`;
      const fix = `see "kubectl skupper link check ${link.metadata.name}${flagsFor(where)}"; if the credentials are refused, make new ones on the remote site and apply them again`;
      try {
        const results = await checkLink(client, link, timeoutMs);
        const broken = results
          .map((r) => ([['TCP', r.tcp], ['server certificate', r.serverTrusted], ['client certificate', r.clientAccepted]] as const).map(([step, s]) => (s.ok === false ? `${r.endpoint} (${r.address}): ${step}: ${s.detail}` : undefined)).find(Boolean))
          .filter(Boolean);
        const diagnosis = broken.length > 0 ? broken.join('; ') : 'every endpoint accepts mutual TLS from here, so the remote router or this site\'s router is the place to look';
        return fail(id, title, `${state}; link check: ${diagnosis}`, fix);
      } catch (err) {
        return fail(id, title, `${state}; link check could not run: ${(err as Error).message}`, fix);
      }
    }),
  );
}

export async function checkGrantServer(client: KubeClient, namespace: string, clock: Clock, where: Where): Promise<Check> {
  const id = 'grant-server';
  const title = 'Grant server';
  const [lease, grants] = await Promise.all([
    client.find(LEASES, GRANT_SERVER_LEASE, namespace).then((l) => ({ l }), (err: unknown) => ({ err })),
    client.list(ACCESS_GRANTS, namespace).then((g) => ({ g: g.items }), (err: unknown) => ({ err })),
  ]);
  if ('l' in lease && lease.l) {
    const spec = lease.l.spec;
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
    const expires = renewed + (spec.leaseDurationSeconds ?? 0) * 1000;
    const url = lease.l.metadata.annotations?.[GRANT_SERVER_URL_ANNOTATION] ?? 'unknown URL';
    if (Number.isFinite(expires) && expires > clock.now()) return pass(id, title, `kubectl skupper grant-server ${spec.holderIdentity ?? ''} serves this site at ${url}`.replace('  ', ' '));
    return fail(id, title, `the grant server lease of ${spec.holderIdentity ?? 'a grant server'} (${url}) ran out ${Number.isFinite(renewed) ? `at ${new Date(expires).toISOString()}` : ''}: it stopped`, `start it again: "kubectl skupper grant-server${flagsFor(where)}", or let the Skupper controller serve grants (its -enable-grants flag)`);
  }
  if ('g' in grants) {
    const served = grants.g.filter((g) => g.status?.url);
    if (served.length > 0) return pass(id, title, `${served.length} AccessGrants carry a redemption URL (${new URL(served[0]!.status!.url!).host}): a grant server answers for this site`);
    return warn(id, title, 'cannot tell: no grant server lease and no AccessGrant with a redemption URL; tokens issued here may not be redeemable', `issue a token to find out ("kubectl skupper token issue${flagsFor(where)}"), or run "kubectl skupper grant-server${flagsFor(where)}"`);
  }
  return cannotTell(id, title, 'err' in lease ? lease.err : grants.err);
}
