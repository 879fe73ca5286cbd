// The network as one graph: sites from every snapshot, each Link matched to the site it points at,
// and the problems a person should look at. Pure: snapshots in, data out, sorted for stable output.
import type { Link, Site } from '../kube/resources.js';
import { isLinkReady } from '../link/links.js';
import type { Snapshot } from './read.js';
import { buildServices, type NetworkService, type ServiceProblemKind } from './services.js';

export interface NetworkContext {
  context: string;
  namespace: string;
  server?: string;
  /** ok; unreachable (no answer) or error (an answer, but a failure; error says which); no-site (read, but the namespace holds no Site). */
  state: 'ok' | 'unreachable' | 'error' | 'no-site';
  sites: number;
  links: number;
  error?: string;
}

export interface NetworkSite {
  /** context/namespace/name: unique across the network. */
  id: string;
  /** The name people read: the site name, or with its context and namespace when names repeat. */
  label: string;
  context: string;
  namespace: string;
  name: string;
  uid?: string;
  status: string;
  message: string;
  linkAccess: string;
  /** role=host:port, sorted. */
  endpoints: string[];
}

export interface NetworkLink {
  context: string;
  namespace: string;
  name: string;
  /** Site ids; `to` is missing when the link points at no site we know. */
  from?: string;
  to?: string;
  /** How `to` was found: the link's endpoint is the site's, or the controller named the remote site. */
  matchedBy?: 'endpoint' | 'remote site id' | 'remote site name';
  /** Where the link points: its endpoints' host:port, sorted. */
  target: string[];
  group: string;
  remoteSiteName?: string;
  status: string;
  ready: boolean;
  cost: number;
  message: string;
}

export type ProblemKind = 'unreachable' | 'no-site' | 'not-ready' | 'broken' | 'dangling' | 'mismatch' | 'unlinked' | 'duplicate' | 'asymmetric' | ServiceProblemKind;

export interface Problem {
  kind: ProblemKind;
  message: string;
}

export interface Network {
  contexts: NetworkContext[];
  sites: NetworkSite[];
  links: NetworkLink[];
  /** Each routing key with its listeners and connectors; empty when no snapshot read them. */
  services: NetworkService[];
  problems: Problem[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildNetwork(snapshots: Snapshot[]): Network {
  const ordered = [...snapshots].sort((a, b) => byText(`${a.context}/${a.namespace}`, `${b.context}/${b.namespace}`));
  const contexts: NetworkContext[] = ordered.map((s) => ({
    context: s.context,
    namespace: s.namespace,
    ...(s.server ? { server: s.server } : {}),
    state: s.error ? (s.unreachable ? 'unreachable' : 'error') : s.sites.length === 0 ? 'no-site' : 'ok',
    sites: s.sites.length,
    links: s.links.length,
    ...(s.error ? { error: s.error } : {}),
  }));

  // The same site seen through two contexts counts once (its UID is unique).
  const seenUids = new Set<string>();
  const raw: { snapshot: Snapshot; site: Site }[] = [];
  for (const snapshot of ordered) {
    for (const site of snapshot.sites) {
      const uid = site.metadata.uid;
      if (uid && seenUids.has(uid)) continue;
      if (uid) seenUids.add(uid);
      raw.push({ snapshot, site });
    }
  }
  const nameCount = new Map<string, number>();
  for (const { site } of raw) nameCount.set(site.metadata.name, (nameCount.get(site.metadata.name) ?? 0) + 1);
  const sites: NetworkSite[] = raw
    .map(({ snapshot, site }) => toSite(snapshot, site, (nameCount.get(site.metadata.name) ?? 0) > 1))
    .sort((a, b) => byText(a.id, b.id));

  const byEndpoint = new Map<string, NetworkSite>();
  const byUid = new Map<string, NetworkSite>();
  const byName = new Map<string, NetworkSite[]>();
  for (const site of sites) {
    for (const e of site.endpoints) byEndpoint.set(e.slice(e.indexOf('=') + 1), site);
    if (site.uid) byUid.set(site.uid, site);
    byName.set(site.name, [...(byName.get(site.name) ?? []), site]);
  }
  const siteOf = (snapshot: Snapshot, namespace: string) =>
    sites.find((s) => s.context === snapshot.context && s.namespace === namespace);

  const seenLinks = new Set<string>();
  const links: NetworkLink[] = [];
  for (const snapshot of ordered) {
    for (const link of snapshot.links) {
      const uid = link.metadata.uid;
      if (uid && seenLinks.has(uid)) continue;
      if (uid) seenLinks.add(uid);
      const namespace = link.metadata.namespace ?? snapshot.namespace;
      links.push(toLink(snapshot.context, namespace, link, siteOf(snapshot, namespace), { byEndpoint, byUid, byName }));
    }
  }
  links.sort((a, b) => byText(`${a.from ?? ''}/${a.name}`, `${b.from ?? ''}/${b.name}`) || byText(a.context, b.context));
  const services = buildServices(ordered, sites, links);
  return { contexts, sites, links, services: services.services, problems: [...findProblems(contexts, sites, links), ...services.problems] };
}

function toSite(snapshot: Snapshot, site: Site, ambiguous: boolean): NetworkSite {
  const namespace = site.metadata.namespace ?? snapshot.namespace;
  const id = `${snapshot.context}/${namespace}/${site.metadata.name}`;
  const linkAccess = site.spec.linkAccess && site.spec.linkAccess !== 'none' ? site.spec.linkAccess : 'disabled';
  return {
    id,
    label: ambiguous ? `${site.metadata.name} (${snapshot.context}/${namespace})` : site.metadata.name,
    context: snapshot.context,
    namespace,
    name: site.metadata.name,
    ...(site.metadata.uid ? { uid: site.metadata.uid } : {}),
    status: site.status?.status ?? 'Pending',
    message: site.status?.message ?? '',
    linkAccess,
    endpoints: (site.status?.endpoints ?? []).map((e) => `${e.name ?? ''}=${e.host ?? ''}:${e.port ?? ''}`).sort(byText),
  };
}

interface SiteIndex {
  byEndpoint: Map<string, NetworkSite>;
  byUid: Map<string, NetworkSite>;
  byName: Map<string, NetworkSite[]>;
}

function toLink(context: string, namespace: string, link: Link, from: NetworkSite | undefined, index: SiteIndex): NetworkLink {
  const target = [...new Set(link.spec.endpoints.map((e) => `${e.host ?? ''}:${e.port ?? ''}`))].sort(byText);
  let to: NetworkSite | undefined;
  let matchedBy: NetworkLink['matchedBy'];
  const byEndpoint = target.map((t) => index.byEndpoint.get(t)).find(Boolean);
  const remoteName = link.status?.remoteSiteName || undefined;
  const remoteId = link.status?.remoteSiteId || undefined;
  const named = remoteName ? index.byName.get(remoteName) : undefined;
  if (byEndpoint) [to, matchedBy] = [byEndpoint, 'endpoint'];
  else if (remoteId && index.byUid.has(remoteId)) [to, matchedBy] = [index.byUid.get(remoteId), 'remote site id'];
  else if (named?.length === 1) [to, matchedBy] = [named[0], 'remote site name'];
  return {
    context,
    namespace,
    name: link.metadata.name,
    ...(from ? { from: from.id } : {}),
    ...(to ? { to: to.id, matchedBy } : {}),
    target,
    group: link.spec.endpoints[0]?.group ?? '',
    ...(remoteName ? { remoteSiteName: remoteName } : {}),
    status: link.status?.status ?? 'Pending',
    ready: isLinkReady(link),
    cost: link.spec.cost ?? 1,
    message: link.status?.message ?? '',
  };
}

function findProblems(contexts: NetworkContext[], sites: NetworkSite[], links: NetworkLink[]): Problem[] {
  const problems: Problem[] = [];
  const label = new Map(sites.map((s) => [s.id, s.label]));
  const name = (id: string | undefined, fallback: string) => (id ? label.get(id) ?? id : fallback);
  for (const c of contexts) {
    const where = `context "${c.context}"${c.namespace ? ` (namespace "${c.namespace}")` : ''}`;
    if (c.state === 'unreachable' || c.state === 'error') problems.push({ kind: 'unreachable', message: `${where} cannot be read: ${c.error}` });
    if (c.state === 'no-site') problems.push({ kind: 'no-site', message: `${where} holds no Skupper site` });
  }
  for (const s of sites) {
    if (s.status !== 'Ready') problems.push({ kind: 'not-ready', message: `site ${s.label} is ${s.status}${s.message ? `: ${s.message}` : ''}` });
  }
  for (const l of links) {
    const from = name(l.from, `namespace "${l.namespace}"`);
    if (!l.to) {
      problems.push({ kind: 'dangling', message: `link ${l.name} from ${from} points at no known site (${l.target.join(', ') || 'no endpoints'}${l.remoteSiteName ? `, remote site "${l.remoteSiteName}"` : ''})` });
    } else if (l.remoteSiteName && l.matchedBy === 'endpoint' && l.remoteSiteName !== sites.find((s) => s.id === l.to)?.name) {
      problems.push({ kind: 'mismatch', message: `link ${l.name} from ${from} points at the endpoints of ${name(l.to, '')}, but the controller reports remote site "${l.remoteSiteName}"` });
    }
    if (!l.ready) {
      problems.push({ kind: 'broken', message: `link ${l.name} from ${from} to ${name(l.to, 'an unknown site')} is ${l.status}${l.message ? `: ${l.message}` : ''}` });
    }
  }
  if (sites.length > 1) {
    for (const s of sites) {
      if (!links.some((l) => l.from === s.id || l.to === s.id)) problems.push({ kind: 'unlinked', message: `site ${s.label} is not linked: no link leads to it or from it` });
    }
  }
  const matched = links.filter((l) => l.from && l.to);
  const sameWay = new Map<string, NetworkLink[]>();
  for (const l of matched) {
    const key = `${l.from}|${l.to}|${l.group}`;
    sameWay.set(key, [...(sameWay.get(key) ?? []), l]);
  }
  for (const group of sameWay.values()) {
    if (group.length < 2) continue;
    const [first] = group;
    problems.push({ kind: 'duplicate', message: `links ${group.map((l) => l.name).join(', ')} all lead from ${name(first!.from, '')} to ${name(first!.to, '')}: keep one` });
  }
  const reported = new Set<string>();
  for (const l of matched) {
    if (l.from === l.to) continue;
    const back = matched.find((m) => m.from === l.to && m.to === l.from);
    const pair = [l.from!, l.to!].sort(byText).join('|');
    if (!back || reported.has(pair)) continue;
    reported.add(pair);
    const [a, b] = byText(l.from!, l.to!) <= 0 ? [l, back] : [back, l];
    const costs = a.cost === b.cost ? `both cost ${a.cost}` : `costs ${a.cost} and ${b.cost}, so traffic prefers one direction`;
    problems.push({
      kind: a.cost === b.cost ? 'duplicate' : 'asymmetric',
      message: `${name(a.from, '')} and ${name(a.to, '')} link to each other both ways (${a.name}, ${b.name}; ${costs}): a link carries traffic both ways, keep one`,
    });
  }
  const order: ProblemKind[] = ['unreachable', 'no-site', 'not-ready', 'broken', 'dangling', 'mismatch', 'unlinked', 'duplicate', 'asymmetric'];
  return problems.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || byText(a.message, b.message));
}
