// service expose: a Connector for a workload on one site and a Listener with the same routing key
// on each of several others, made all or nothing, only between sites that are linked. Returns data
// and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { CONNECTORS, LINKS, LISTENERS, type Connector, type Listener, type Site } from '../kube/resources.js';
import { buildNetwork } from '../network/graph.js';
import { networksOf } from '../network/reach.js';
import { Operation } from '../operation.js';
import { resolveSite } from '../site/sites.js';
import { createConnector, createListener } from './services.js';
import type { WorkloadKind } from './validate.js';

export interface ExposeEnd {
  client: KubeClient;
  /** CONTEXT/NAMESPACE, as the person named it: the key of the site in messages and commands. */
  ref: string;
  context: string;
}

export interface ExposeSettings {
  name: string;
  workload: { kind: WorkloadKind; name: string };
  /** The port listeners offer; the connector reaches the pods on targetPort. */
  port: number;
  targetPort: number;
  routingKey: string;
  host: string;
  includeNotReady?: boolean;
}

export interface ExposedEnd<T> {
  end: ExposeEnd;
  site: Site;
  object: T;
}

export interface ExposeResult {
  connector: ExposedEnd<Connector>;
  listeners: ExposedEnd<Listener>[];
}

/**
 * Checks everything on every site first (the sites, that each --to site is linked to the --from
 * site, the names, the workload and its selector, the listener hosts), then makes the Connector and
 * the Listeners through `op`, so that a failure or a signal leaves all of them or none.
 * `linkSitesCommand` renders the command that links two sites, for the refusal.
 */
export async function exposeService(
  from: ExposeEnd,
  to: ExposeEnd[],
  s: ExposeSettings,
  opts: { op: Operation; dryRun?: 'client' | 'server'; linkSitesCommand: (from: ExposeEnd, to: ExposeEnd, toSite: Site) => string },
): Promise<ExposeResult> {
  const ends = [from, ...to];
  const sites = await Promise.all(ends.map((e) => resolveSite(e.client)));
  const fromSite = sites[0]!;
  for (const [i, site] of sites.entries()) {
    if (i > 0 && site.metadata.uid && site.metadata.uid === fromSite.metadata.uid) {
      throw new SkupperError('USAGE', `--to ${ends[i]!.ref} is the --from site "${site.metadata.name}": a listener on the connector's own site needs no expose, use "kubectl skupper listener create ${s.name} ${s.port}" there`);
    }
  }
  await requireLinked(ends, sites, opts.linkSitesCommand);
  // Every refusal happens here, before anything is made: a client dry run checks without writing.
  const connector = await createConnector(
    from.client,
    { name: s.name, port: s.targetPort, routingKey: s.routingKey, workload: s.workload, includeNotReady: s.includeNotReady || undefined, type: 'tcp' },
    { dryRun: 'client' },
  );
  const listeners = await Promise.all(to.map((e) => createListener(e.client, { name: s.name, port: s.port, routingKey: s.routingKey, host: s.host, type: 'tcp' }, { dryRun: 'client' })));
  if (opts.dryRun === 'client') {
    return { connector: { end: from, site: fromSite, object: connector }, listeners: to.map((end, i) => ({ end, site: sites[i + 1]!, object: listeners[i]! })) };
  }
  const server = opts.dryRun === 'server';
  const op = opts.op;
  const made = await op.run(async () => {
    const create = <T>(send: () => Promise<T>, undo: () => Promise<unknown>) => (server ? send() : op.create(send, undo));
    const c = await create(
      () => from.client.create(CONNECTORS, connector, from.client.namespace, { dryRun: server }),
      () => from.client.delete(CONNECTORS, s.name, from.client.namespace, { cleanup: true }),
    );
    const l: Listener[] = [];
    for (const [i, end] of to.entries()) {
      l.push(await create(
        () => end.client.create(LISTENERS, listeners[i]!, end.client.namespace, { dryRun: server }),
        () => end.client.delete(LISTENERS, s.name, end.client.namespace, { cleanup: true }),
      ));
    }
    return { c, l };
  });
  return { connector: { end: from, site: fromSite, object: made.c }, listeners: to.map((end, i) => ({ end, site: sites[i + 1]!, object: made.l[i]! })) };
}

/**
 * Each --to site must be in the --from site's network: joined by links read from the sites given
 * (in either direction, through any of them), or listed in the network the controller reports on
 * either site (which also knows sites reached through sites not given).
 */
async function requireLinked(ends: ExposeEnd[], sites: Site[], linkSitesCommand: (from: ExposeEnd, to: ExposeEnd, toSite: Site) => string): Promise<void> {
  const links = await Promise.all(ends.map((e) => e.client.list(LINKS, e.client.namespace)));
  const network = buildNetwork(ends.map((e, i) => ({ context: e.context, namespace: e.client.namespace, sites: [sites[i]!], links: links[i]!.items })));
  const ids = ends.map((e, i) => network.sites.find((n) => n.context === e.context && n.namespace === e.client.namespace && n.name === sites[i]!.metadata.name)?.id);
  const of = networksOf(network);
  const reported = (a: Site, b: Site) => Boolean(b.metadata.uid) && ((a.status?.network ?? []) as { id?: string }[]).some((r) => r.id === b.metadata.uid);
  for (let i = 1; i < ends.length; i++) {
    const joined = (ids[0] && ids[i] && of.get(ids[0]) === of.get(ids[i]!)) || reported(sites[0]!, sites[i]!) || reported(sites[i]!, sites[0]!);
    if (joined) continue;
    const [a, b] = [sites[0]!.metadata.name, sites[i]!.metadata.name];
    throw new SkupperError('NOT_READY', `site "${b}" (${ends[i]!.ref}) is not linked to site "${a}" (${ends[0]!.ref}), so a listener there cannot reach the connector: link them first with "${linkSitesCommand(ends[0]!, ends[i]!, sites[i]!)}"`);
  }
}
