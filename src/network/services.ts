// The services view of the network: each routing key with its listeners and connectors per site,
// and whether each listener can reach a connector over the links read. The controllers' own
// "matched" flags say only that a key is known somewhere; this says where, and flags what cannot
// work: a listener with no connector anywhere, or only on sites no link joins to its own, and a
// connector that selects no ready pod. Pure: snapshots in, data out, sorted.
import type { Connector, Listener } from '../kube/resources.js';
import type { Snapshot } from './read.js';
import { networksOf } from './reach.js';
import { serviceState } from '../service/state.js';
import { renderTargetFlags, shellWord } from '../kube/target-flags.js';

export interface ServiceEnd {
  kind: 'listener' | 'connector';
  context: string;
  namespace: string;
  name: string;
  /** The site id (context/namespace/name) of the namespace, when it holds a site. */
  site?: string;
  port: number;
  /** A listener's host (its Service); a connector's host, else its selector. */
  target: string;
  status: string;
  message: string;
  /** Listeners: a connector with the key on a site linked to this one (directly or through others). */
  reachesConnector?: boolean;
  /** Connectors with a selector: the pods they reach now. */
  selectedPods?: number;
}

export interface NetworkService {
  routingKey: string;
  listeners: ServiceEnd[];
  connectors: ServiceEnd[];
}

export type ServiceProblemKind = 'no-connector' | 'unlinked-service' | 'no-pods' | 'services-unread';

/** What this needs of graph.ts's sites and links (graph.ts builds the view; this does not import it). */
interface SiteOf {
  id: string;
  label: string;
  context: string;
  namespace: string;
}

interface LinkOf {
  from?: string;
  to?: string;
}

export interface ServiceProblem {
  kind: ServiceProblemKind;
  message: string;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildServices(snapshots: Snapshot[], sites: SiteOf[], links: LinkOf[]): { services: NetworkService[]; problems: ServiceProblem[] } {
  const ends: (ServiceEnd & { routingKey: string })[] = [];
  const problems: ServiceProblem[] = [];
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    if (snapshot.servicesError) problems.push({ kind: 'services-unread', message: `listeners and connectors of context "${snapshot.context}" (namespace "${snapshot.namespace}") cannot be read: ${snapshot.servicesError}` });
    const objects: (Listener | Connector)[] = [...(snapshot.listeners ?? []), ...(snapshot.connectors ?? [])];
    for (const o of objects) {
      // The same namespace read through two contexts counts once.
      const uid = o.metadata.uid;
      if (uid && seen.has(uid)) continue;
      if (uid) seen.add(uid);
      const namespace = o.metadata.namespace ?? snapshot.namespace;
      const site = sites.find((s) => s.context === snapshot.context && s.namespace === namespace);
      const state = serviceState(o);
      const connector = o.kind === 'Connector' ? (o as Connector) : undefined;
      ends.push({
        routingKey: o.spec.routingKey,
        kind: connector ? 'connector' : 'listener',
        context: snapshot.context,
        namespace,
        name: o.metadata.name,
        ...(site ? { site: site.id } : {}),
        port: o.spec.port,
        target: connector ? connector.spec.host ?? connector.spec.selector ?? '' : (o as Listener).spec.host,
        status: state.status,
        message: state.message,
        ...(connector?.spec.selector !== undefined ? { selectedPods: snapshot.selectedPods?.[o.metadata.name] ?? 0 } : {}),
      });
    }
  }
  const network = networksOf({ sites, links });
  const netOf = (e: ServiceEnd) => (e.site ? network.get(e.site) : undefined);
  const label = new Map(sites.map((s) => [s.id, s.label]));
  const where = (e: ServiceEnd) => (e.site ? `site ${label.get(e.site)}` : `namespace "${e.namespace}" of context "${e.context}" (no site)`);
  const ref = (e: ServiceEnd) => `${e.context}/${e.namespace}`;
  const keys = [...new Set(ends.map((e) => e.routingKey))].sort(byText);
  const order = (a: ServiceEnd, b: ServiceEnd) => byText(`${a.site ?? ''}/${a.context}/${a.namespace}/${a.name}`, `${b.site ?? ''}/${b.context}/${b.namespace}/${b.name}`);
  const services = keys.map((routingKey) => {
    const mine = ends.filter((e) => e.routingKey === routingKey);
    const strip = ({ routingKey: _key, ...e }: ServiceEnd & { routingKey: string }): ServiceEnd => e;
    const listeners = mine.filter((e) => e.kind === 'listener').map(strip).sort(order);
    const connectors = mine.filter((e) => e.kind === 'connector').map(strip).sort(order);
    for (const l of listeners) {
      l.reachesConnector = connectors.some((c) => netOf(c) !== undefined && netOf(c) === netOf(l));
      if (l.reachesConnector) continue;
      if (connectors.length === 0) {
        problems.push({ kind: 'no-connector', message: `listener ${l.name} on ${where(l)} has no connector for routing key "${routingKey}" on any site read: expose it with "kubectl skupper connector create ${routingKey} <port>" on the site of the backend` });
      } else {
        const c = connectors[0]!;
        problems.push({ kind: 'unlinked-service', message: `routing key "${routingKey}": listener ${l.name} on ${where(l)} and connector ${c.name} on ${where(c)} are in different, unlinked networks: link them with "kubectl skupper link sites --from ${ref(l)} --to ${ref(c)}"` });
      }
    }
    for (const c of connectors) {
      if (c.selectedPods === 0) problems.push({ kind: 'no-pods', message: `connector ${c.name} on ${where(c)} selects no ready pod (selector ${c.target}): check "kubectl get pods -l ${shellWord(c.target)}${renderTargetFlags({ context: c.context, namespace: c.namespace })}"` });
    }
    return { routingKey, listeners, connectors };
  });
  return { services, problems: problems.sort((a, b) => byText(a.kind, b.kind) || byText(a.message, b.message)) };
}
