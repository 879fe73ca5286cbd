// --workload kind/name: the label selector of that workload, as a connector's spec.selector.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { DAEMON_SETS, SERVICES, STATEFUL_SETS, WORKLOAD_DEPLOYMENTS, type LabelSelector, type ResourceType, type Workload } from '../kube/resources.js';
import { compareText } from '../compare.js';
import type { WorkloadKind } from './validate.js';

const TYPES: Record<Exclude<WorkloadKind, 'service'>, ResourceType<Workload>> = { deployment: WORKLOAD_DEPLOYMENTS, statefulset: STATEFUL_SETS, daemonset: DAEMON_SETS };

/** The selector string of the workload (sorted, so the same workload always gives the same text). */
export async function workloadSelector(client: KubeClient, workload: { kind: WorkloadKind; name: string }): Promise<string> {
  const where = `${workload.kind}/${workload.name}`;
  let selector: LabelSelector | undefined;
  if (workload.kind === 'service') {
    const service = await client.find(SERVICES, workload.name);
    if (!service) throw notFound(client, where);
    selector = service.spec?.selector ? { matchLabels: service.spec.selector } : undefined;
  } else {
    const object = await client.find(TYPES[workload.kind], workload.name);
    if (!object) throw notFound(client, where);
    selector = object.spec?.selector;
  }
  const text = selectorText(selector);
  if (!text) throw new SkupperError('INPUT', `${where} in namespace "${client.namespace}" has no label selector to copy: use --selector <labels> or --host <host> instead`);
  return text;
}

function notFound(client: KubeClient, where: string): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no ${where} in namespace "${client.namespace}": check the name with "kubectl get ${where.split('/')[0]}${client.flagsIn()}"`);
}

/** matchLabels as key=value, matchExpressions in kubectl's set-based form. */
export function selectorText(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {})
    .sort(([a], [b]) => compareText(a, b))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort(compareText).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
