// Service benchmarks for `npm run bench -- --only services` (bench/run.ts calls serviceBenchmarks
// with its cluster, where east is linked to west): `listener status` and `connector status` over
// 1, 100 and 1,000 objects against `kubectl get` of the same objects, and `service expose` against
// what it replaces: `kubectl apply` of the Connector on west and of the Listener on east, then
// `kubectl wait` until both are Ready. Whole processes, paired runs (see measure.ts).
import type { KubeClient } from '../src/kube/client.js';
import { CONNECTORS, LISTENERS, SITES } from '../src/kube/resources.js';
import type { Case, Group, paired as Paired } from './measure.js';

export interface ServiceBenchContext {
  kubeconfig: string;
  env: Record<string, string>;
  packaged: string;
  dev: string;
  kubectl?: string;
  runs: number;
  paired: typeof Paired;
  counts: number[];
}

const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' } as const;
const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' } as const;
const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod' } as const;

export async function serviceBenchmarks(ctx: ServiceBenchContext): Promise<Group[]> {
  const { connect } = await import('../src/kube/connect.js');
  const admin = await connect({ kubeconfig: ctx.kubeconfig, context: 'west', env: {} });
  const groups: Group[] = [];
  try {
    const cases = (ours: string[], kube: string[]): Case[] => [
      { who: 'ours (packaged)', cmd: [ctx.packaged, ...ours], env: ctx.env, requestLog: 'ours' },
      { who: 'ours (dev, bin/)', cmd: [ctx.dev, ...ours], env: ctx.env },
      ...(ctx.kubectl ? [{ who: 'kubectl', cmd: [ctx.kubectl, ...kube], env: ctx.env, requestLog: 'kubectl' as const }] : []),
    ];
    for (const count of ctx.counts) {
      const ns = `svc-scale-${count}`;
      await fill(admin, ns, count);
      for (const kind of ['listener', 'connector'] as const) {
        groups.push(await ctx.paired(`${kind} status, ${count} ${kind}s`, cases([kind, 'status', '-n', ns], ['get', `${kind}s.skupper.io`, '-n', ns]), ctx.runs, { required: ['ours (packaged)'] }));
      }
    }
    await backend(admin);
    // Each run exposes a new name (a counter file), so every run creates and waits, as a user's does.
    const counter = `${ctx.env.HOME}/svc-counter`;
    const next = `i=$(( $(cat ${counter} 2>/dev/null || echo 0) + 1 )); echo $i > ${counter}; n=bench-$i`;
    const ours = (bin: string) => ['sh', '-c', `${next}; exec ${bin} service expose deployment/backend --name $n --port 8080 --from west --to east --timeout 60s "$@"`, 'sh'];
    const manifests = `apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: $n}\nspec: {routingKey: $n, port: 8080, selector: app=backend}`;
    const listener = `apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: $n}\nspec: {routingKey: $n, host: $n, port: 8080}`;
    const k = ctx.kubectl;
    const expose: Case[] = [
      { who: 'ours (packaged)', cmd: ours(ctx.packaged), env: ctx.env },
      { who: 'ours (dev, bin/)', cmd: ours(ctx.dev), env: ctx.env },
    ];
    if (k) {
      expose.push({
        who: 'kubectl',
        cmd: ['sh', '-c', [
          next,
          `printf '%s\\n' "${manifests}" | ${k} apply -f - --context west >/dev/null`,
          `printf '%s\\n' "${listener}" | ${k} apply -f - --context east >/dev/null`,
          `${k} wait --for=condition=Ready connector/$n --context west --timeout 60s >/dev/null`,
          `exec ${k} wait --for=condition=Ready listener/$n --context east --timeout 60s >/dev/null`,
        ].join(' && ')],
        env: ctx.env,
      });
    }
    const group = await ctx.paired('service expose (connector + listener, both Ready)', expose, ctx.runs, { required: ['ours (packaged)'] });
    group.notes.push('service expose: kubectl is two `kubectl apply` (Connector on west, Listener on east) and two `kubectl wait --for=condition=Ready`; ours also checks the workload, the names, the hosts and that the sites are linked');
    groups.push(group);
  } finally {
    admin.close();
  }
  return groups;
}

/** A namespace with a Site and `count` listeners and connectors (no controller: they stay Pending). */
async function fill(admin: KubeClient, ns: string, count: number): Promise<void> {
  await admin.create(NAMESPACES as never, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never, '');
  await admin.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: ns }, spec: {} }, ns);
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) => {
        const name = `svc-${String(i + j).padStart(5, '0')}`;
        return Promise.all([
          admin.create(LISTENERS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name }, spec: { routingKey: name, host: name, port: 8080, type: 'tcp' } }, ns),
          admin.create(CONNECTORS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Connector', metadata: { name }, spec: { routingKey: name, port: 8080, selector: `app=${name}`, type: 'tcp' } }, ns),
        ]);
      }),
    );
  }
}

/** Deployment backend on west and one Pod of it, reported Running and Ready as a kubelet would. */
async function backend(admin: KubeClient): Promise<void> {
  const labels = { app: 'backend' };
  const spec = { containers: [{ name: 'app', image: 'backend:1' }] };
  await admin.create(DEPLOYMENTS as never, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } } as never, 'west');
  await admin.create(PODS as never, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'backend-1', labels }, spec } as never, 'west');
  await admin.patch(PODS as never, 'backend-1', { status: { phase: 'Running', podIP: '10.0.0.7', conditions: [{ type: 'Ready', status: 'True' }] } }, 'west', 'status');
}
