// Reads the Sites and Links that one kubeconfig context (and namespace) shows. A context that
// cannot be read becomes a snapshot with its error: one bad context must not hide the others.
import { SkupperError, type ErrorCode } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { connect, type ConnectionSettings } from '../kube/connect.js';
import { CONNECTORS, LINKS, LISTENERS, SITES, type Connector, type Link, type Listener, type Site } from '../kube/resources.js';
import { selectedPodCounts } from '../service/pods.js';
import type { SiteRef } from './refs.js';

export interface Snapshot {
  context: string;
  namespace: string;
  server?: string;
  sites: Site[];
  links: Link[];
  /** Absent when not read (a caller that needs only sites and links). */
  listeners?: Listener[];
  connectors?: Connector[];
  /** For each connector with a selector, by name: how many pods it reaches now. */
  selectedPods?: Record<string, number>;
  /** Why the listeners and connectors could not be read (the sites and links still were). */
  servicesError?: string;
  /** Why the context could not be read; sites and links are then empty. */
  error?: string;
  /** The error's code, for a command that fails when no context could be read. */
  errorCode?: ErrorCode;
  /** True when the API server could not be reached at all (as against refused or failed). */
  unreachable?: boolean;
}

export type ContextSettings = Omit<ConnectionSettings, 'context' | 'namespace'> & { namespace?: string };

/** Reads every reference at once: the slowest context, not their sum, sets the time taken. */
export function readContexts(refs: SiteRef[], settings: ContextSettings): Promise<Snapshot[]> {
  return Promise.all(refs.map((ref) => readContext(ref, settings)));
}

/** A client for one CONTEXT[/NAMESPACE]; the reference's namespace wins over -n. */
export function connectTo(ref: SiteRef, settings: ContextSettings): Promise<KubeClient> {
  return connect({ ...settings, context: ref.context || undefined, namespace: ref.namespace ?? settings.namespace });
}

export async function readContext(ref: SiteRef, settings: ContextSettings): Promise<Snapshot> {
  let namespace = ref.namespace ?? settings.namespace ?? '';
  let server: string | undefined;
  try {
    const client = await connectTo(ref, settings);
    namespace = client.namespace;
    server = client.server;
    const [sites, links] = await Promise.all([client.list(SITES, namespace), client.list(LINKS, namespace)]);
    // After the sites and links, on the connections they opened: two more at once would each cost a TLS handshake.
    const services = await readServices(client, namespace);
    return { context: ref.context, namespace, server, sites: sites.items, links: links.items, ...services };
  } catch (err) {
    if (!(err instanceof SkupperError)) throw err;
    return { context: ref.context, namespace, server, sites: [], links: [], error: err.message, errorCode: err.code, unreachable: err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' };
  }
}

/**
 * Listeners, connectors and the pods each connector reaches. A refusal here (no rights to them, an
 * older Skupper without their CRDs) is said, but does not hide the sites and links.
 */
async function readServices(client: KubeClient, namespace: string): Promise<Pick<Snapshot, 'listeners' | 'connectors' | 'selectedPods' | 'servicesError'>> {
  try {
    const [listeners, connectors] = await Promise.all([client.list(LISTENERS, namespace), client.list(CONNECTORS, namespace)]);
    const counts = await selectedPodCounts(client, namespace, connectors.items);
    return { listeners: listeners.items, connectors: connectors.items, selectedPods: counts };
  } catch (err) {
    if (!(err instanceof SkupperError)) throw err;
    return { listeners: [], connectors: [], selectedPods: {}, servicesError: err.message };
  }
}
