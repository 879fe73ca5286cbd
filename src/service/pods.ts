// The pods a connector reaches, read from the API server. The controller keeps them to itself
// (upstream never fills status.selectedPods), so `connector status` asks the same question it
// does: pods matching the selector, Running, not being deleted, and Ready unless not-ready pods
// are included.
import type { KubeClient } from '../kube/client.js';
import { PODS, type Connector } from '../kube/resources.js';
import { compareText } from '../compare.js';

export interface SelectedPod {
  name: string;
  ip: string;
}

export async function selectedPods(client: KubeClient, connector: Connector): Promise<SelectedPod[]> {
  if (!connector.spec.selector) return [];
  const pods = (await client.list(PODS, connector.metadata.namespace ?? client.namespace, { labelSelector: connector.spec.selector })).items;
  return pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .filter((p) => connector.spec.includeNotReadyPods || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({ name: p.metadata.name, ip: p.status?.podIP ?? '' }))
    .sort((a, b) => compareText(a.name, b.name));
}
