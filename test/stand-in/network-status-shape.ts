// The shape of a network status document as the real collector writes it, reduced to what can be
// compared between the router stand-in and the real kube-adaptor (names, ids and counts taken out).
// Test only.
import type { NetworkStatus } from './network-status.js';

export function networkStatusShape(doc: NetworkStatus, own: string) {
  const keys = (o: object | null | undefined) => (o ? Object.keys(o).sort().join(',') : String(o));
  const sites = doc.siteStatus.filter((s) => s.routerStatus);
  const access = new Map<string, string>();
  for (const s of sites) for (const r of s.routerStatus!) for (const a of r.routerAccess) access.set(a.identity, s.site.name);
  const mine = sites.find((s) => s.site.name === own)?.routerStatus?.[0];
  return {
    addresses: doc.addresses === null ? 'null' : Array.isArray(doc.addresses) ? 'list' : typeof doc.addresses,
    siteKeys: [...new Set(doc.siteStatus.map((s) => keys(s.site)))],
    routerStatusKeys: [...new Set(sites.flatMap((s) => s.routerStatus!.map((r) => keys(r))))],
    routerKeys: [...new Set(sites.flatMap((s) => s.routerStatus!.map((r) => keys(r.router))))],
    routerName: mine ? mine.router.name.startsWith(`0/${own}-`) && mine.router.name.endsWith(mine.router.hostname ?? '?') : undefined,
    ownAccessPoints: mine?.routerAccess.length,
    linkKeys: [...new Set(sites.flatMap((s) => s.routerStatus!.flatMap((r) => r.links.map((l) => keys(l)))))],
    // Each link's peer is an access point of the site it reached.
    peers: mine?.links.map((l) => `${l.name}->${access.get(l.peer ?? '') ?? 'unknown'}`),
    accessIds: [...access.keys()].every((id) => /^[^:]+:\d+$/.test(id)),
  };
}

/** What kube-adaptor 2.2.1's collector wrote at east, linked to west (measured in interop mode with real routers). */
export const REAL_COLLECTOR_SHAPE = {
  addresses: 'null',
  siteKeys: ['identity,name,namespace,platform,siteVersion'],
  routerStatusKeys: ['connectors,links,listeners,router,routerAccess'],
  routerKeys: ['hostname,mode,name'],
  routerName: true,
  ownAccessPoints: 0,
  linkKeys: ['linkCost,name,peer,role,status'],
  peers: ['link-west-skupper-router->west'],
  accessIds: true,
};
