// The pods a connector reaches, read from the API server. The controller keeps them to itself
// (upstream never fills status.selectedPods), so `connector status` asks the same question it
// does: pods matching the selector, Running, not being deleted, and Ready unless not-ready pods
// are included.
import type { KubeClient } from '../kube/client.js';
import { PODS, type Connector, type Pod } from '../kube/resources.js';
import { compareText } from '../compare.js';
import { matcherOf } from './selector-match.js';

export interface SelectedPod {
  name: string;
  ip: string;
}

export async function selectedPods(client: KubeClient, connector: Connector): Promise<SelectedPod[]> {
  if (!connector.spec.selector) return [];
  const pods = (await client.list(PODS, connector.metadata.namespace ?? client.namespace, { labelSelector: connector.spec.selector })).items;
  return reachable(connector, pods);
}

/** The pods (already matching the selector) that the connector reaches, sorted by name. */
function reachable(connector: Connector, pods: Pod[]): SelectedPod[] {
  return pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .filter((p) => connector.spec.includeNotReadyPods || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({ name: p.metadata.name, ip: p.status?.podIP ?? '' }))
    .sort((a, b) => compareText(a.name, b.name));
}

/**
 * How many pods each selector connector of the namespace reaches, by name. One list of the
 * namespace's pods, matched here, rather than a request per connector; a selector this cannot read
 * is left to the API server.
 */
export async function selectedPodCounts(client: KubeClient, namespace: string, connectors: Connector[]): Promise<Record<string, number>> {
  const selecting = connectors.filter((c) => c.spec.selector);
  if (selecting.length === 0) return {};
  const all = selecting.length > 1 ? (await client.list(PODS, namespace)).items : undefined;
  const counted = await Promise.all(
    selecting.map(async (c) => {
      const match = all ? matcherOf(c.spec.selector!) : undefined;
      const pods = match ? reachable(c, all!.filter((p) => match(p.metadata.labels ?? {}))) : await selectedPods(client, c);
      return [c.metadata.name, pods.length] as const;
    }),
  );
  return Object.fromEntries(counted);
}
