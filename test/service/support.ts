// Helpers of the service tests: sites with a control plane, backend Pods as a kubelet would report
// them, workloads, and a snapshot of what a namespace holds.
import * as assert from 'uvu/assert';
import { CONNECTORS, LISTENERS, SERVICES, type ObjectMeta } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { DEPLOYMENTS, PODS, type Pod } from '../stand-in/kinds.js';
import type { ResourceType } from '../../src/kube/resources.js';

export async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

/** One site (no link access) with its control plane. */
export async function oneSite(prefix = 'svc'): Promise<string> {
  const ns = await freshNamespace(prefix);
  await standIn(ns);
  const res = await run(ns, 'site', 'create', prefix);
  assert.is(res.code, 0, res.stderr);
  return ns;
}

/** West accepts links, east links to it; both Ready. */
export async function linkedSites(): Promise<{ west: string; east: string }> {
  const west = await freshNamespace('west');
  const east = await freshNamespace('east');
  await standIn(west);
  await standIn(east);
  assert.is((await run(west, 'site', 'create', 'west', '--enable-link-access')).code, 0);
  assert.is((await run(east, 'site', 'create', 'east')).code, 0);
  const c = await cluster();
  const linked = await plugin(['link', 'sites', '--from', `west/${east}`, '--to', `west/${west}`, '--kubeconfig', c.kubeconfig, '--timeout', '60s']);
  assert.is(linked.code, 0, linked.stderr);
  return { west, east };
}

/** A backend Pod, Running and (unless told) Ready, as a kubelet reports it. */
export async function backendPod(ns: string, name: string, labels: Record<string, string>, opts: { ready?: boolean; ip?: string } = {}): Promise<void> {
  const client = await adminClient(ns);
  await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'backend:1' }] } } as Pod, ns);
  const ready = opts.ready ?? true;
  await client.patch(PODS, name, { status: { phase: 'Running', podIP: opts.ip ?? '10.0.0.7', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, ns, 'status');
}

export async function deployment(ns: string, name: string, matchLabels: Record<string, string>): Promise<void> {
  const client = await adminClient(ns);
  await client.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { selector: { matchLabels }, template: { metadata: { labels: matchLabels }, spec: { containers: [{ name: 'app', image: 'backend:1' }] } } },
  }, ns);
}

/** Listeners, Connectors and Services of the namespace, by name and generation or resourceVersion. */
export async function serviceSnapshot(ns: string): Promise<string[]> {
  const client = await adminClient(ns);
  const rows: string[] = [];
  for (const type of [LISTENERS, CONNECTORS, SERVICES] as ResourceType<{ metadata: ObjectMeta }>[]) {
    for (const o of (await client.list(type, ns)).items) rows.push(`${type.plural}/${o.metadata.name}@${o.metadata.generation ?? o.metadata.resourceVersion}`);
  }
  return rows.sort();
}

/** Polls until `check` holds (the stand-ins act every 200 ms); fails with the last value. */
export async function eventually<T>(get: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await get();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`not so within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
