// The local cluster on the real data plane, for `npm run demo` when SKUPPER_SRC, SKUPPER_ROUTER_SRC and
// PROTON_SRC name the three checkouts: the test harness's kube-apiserver and etcd, the upstream
// controller, and for each of west and east the real skupper-router and kube-adaptor on a node of
// their own (see docs/interop-real-routers.md). Needs root.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/kube/connect.js';
import { startCluster, type TestCluster } from '../test/cluster/harness.js';

const repo = join(fileURLToPath(import.meta.url), '..', '..');

/** True when the three checkouts are named. */
export function realDataPlaneRequested(): boolean {
  return Boolean(process.env.SKUPPER_SRC && process.env.SKUPPER_ROUTER_SRC && process.env.PROTON_SRC);
}

/** Builds (or reuses) the upstream controller, skupper-router and the kube-adaptor; sets the variables the harness reads. */
function buildUpstream(log: (line: string) => void): void {
  const env = { ...process.env, SKUPPER_SRC: resolve(process.env.SKUPPER_SRC!), SKUPPER_ROUTER_SRC: resolve(process.env.SKUPPER_ROUTER_SRC!), PROTON_SRC: resolve(process.env.PROTON_SRC!) };
  const run = (script: string) => execFileSync('bash', [join(repo, 'test', 'interop', script)], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  log('Building (or reusing) the upstream controller, skupper-router and kube-adaptor (the first build takes several minutes)...');
  process.env.SKUPPER_SRC = env.SKUPPER_SRC;
  process.env.KUBECTL_SKUPPER_UPSTREAM_BIN = run('build-upstream.sh').trim().split('\n').pop()!;
  const built = Object.fromEntries(run('build-router.sh').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  process.env.KUBECTL_SKUPPER_SKROUTERD = built.SKROUTERD;
  process.env.KUBECTL_SKUPPER_KUBE_ADAPTOR = built.KUBE_ADAPTOR;
  process.env.KUBECTL_SKUPPER_SKSTAT = built.SKSTAT;
}

export interface RealCluster {
  cluster: TestCluster;
  /** The address and port where east's router listens for a TCP Listener (once configured). */
  listenerAddress(namespace: string, routingKey: string): Promise<{ host: string; port: number } | undefined>;
  /** The bridge address: where a workload reachable from the routers' nodes listens. */
  hostAddress(): Promise<string>;
  stop(): Promise<void>;
}

export async function startWithRealRouters(namespaces = ['west', 'east'], log: (line: string) => void = () => {}): Promise<RealCluster> {
  buildUpstream(log);
  // Imported after the variables are set: these modules read them.
  const { markNamespace, SITE_CONTROLLER, startUpstream } = await import('../test/interop/upstream.js');
  const { nodeNetwork, RealRouterKubelet, stopNodeNetwork } = await import('../test/interop/real-router.js');
  const { CONFIG_MAPS } = await import('../test/stand-in/kinds.js');
  const cluster = await startCluster({ crdDir: join(process.env.SKUPPER_SRC!, 'config', 'crd', 'bases') });
  const kubelets: InstanceType<typeof RealRouterKubelet>[] = [];
  const clients = new Map<string, Awaited<ReturnType<typeof connect>>>();
  try {
    await startUpstream(cluster, await freePort());
    for (const ns of namespaces) {
      await markNamespace(cluster, ns, SITE_CONTROLLER);
      const client = await connect({ kubeconfig: cluster.kubeconfig, context: ns, env: {} });
      clients.set(ns, client);
      kubelets.push(new RealRouterKubelet({ cluster, client, namespace: ns }).start());
    }
  } catch (err) {
    cluster.stop();
    throw err;
  }
  return {
    cluster,
    listenerAddress: async (ns, routingKey) => {
      const kubelet = kubelets[namespaces.indexOf(ns)];
      const cm = await clients.get(ns)!.find(CONFIG_MAPS, 'skupper-router', ns);
      const config = JSON.parse(cm?.data?.['skrouterd.json'] ?? '[]') as [string, Record<string, unknown>][];
      const port = Number(config.find(([k, e]) => k === 'tcpListener' && e.address === routingKey)?.[1].port);
      const host = kubelet?.node()?.address;
      return host && port ? { host, port } : undefined;
    },
    hostAddress: async () => (await nodeNetwork(cluster)).net.hostAddress,
    stop: async () => {
      await Promise.all(kubelets.map((k) => k.stop()));
      await stopNodeNetwork();
      cluster.stop();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
