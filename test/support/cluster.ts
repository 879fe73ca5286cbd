// The one local cluster of a test run, started on first use and shared by every test file.
// Tests isolate themselves in namespaces of their own (freshNamespace).
//
// Two modes, one set of tests. By default the Skupper controller is played by the controller
// stand-in. In interop mode (npm run test:interop, KUBECTL_SKUPPER_UPSTREAM_BIN set by
// test/interop/run.ts) the cluster gets the upstream CRDs and runs the real upstream controller.
// In both, the router stand-in plays the kubelet, the cloud load balancer and the router.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../src/kube/connect.js';
import type { KubeClient } from '../../src/kube/client.js';
import { LINKS } from '../../src/kube/resources.js';
import { createNamespace, startCluster, type TestCluster } from '../cluster/harness.js';
import { ControllerStandIn } from '../stand-in/controller-stand-in.js';
import { RouterStandIn } from '../stand-in/router-stand-in.js';
import { GRANTS_CONTROLLER, isInterop, markNamespace, SITE_CONTROLLER, startUpstream, type Upstream } from '../interop/upstream.js';
import { RealRouterKubelet, realRouters, stopNodeNetwork } from '../interop/real-router.js';

/** True when the run is against the real upstream controller. */
export const interop = isInterop();

interface Running {
  stop(): Promise<void>;
}

const state = globalThis as typeof globalThis & { __ksCluster?: Promise<TestCluster>; __ksBare?: Promise<TestCluster>; __ksStandIns?: Running[]; __ksUpstream?: Upstream };

const verbose = process.env.TEST_VERBOSE ? (l: string) => process.stderr.write(`[cluster] ${l}\n`) : undefined;

export function cluster(): Promise<TestCluster> {
  state.__ksCluster ??= (async () => {
    if (!interop) return startCluster({ log: verbose });
    const src = process.env.SKUPPER_SRC;
    if (!src) throw new Error('interop mode needs SKUPPER_SRC (the upstream checkout) for its CRDs');
    const c = await startCluster({ log: verbose, crdDir: join(src, 'config', 'crd', 'bases') });
    state.__ksUpstream = await startUpstream(c, await freePort(), verbose);
    return c;
  })();
  return state.__ksCluster;
}

/** The upstream controllers of an interop run (undefined in the default mode). */
export async function upstream(): Promise<Upstream | undefined> {
  await cluster();
  return state.__ksUpstream;
}

/** A second cluster without the Skupper CRDs, started only by tests that need "Skupper is not installed". */
export function bareCluster(): Promise<TestCluster> {
  state.__ksBare ??= startCluster({ crds: false, namespaces: ['west'] });
  return state.__ksBare;
}

/**
 * Copies the logs of the run's clusters (kube-apiserver, etcd, upstream controllers) into dest
 * before stopAll() removes them, so that a failed run can be read afterwards. Returns the count.
 */
export async function keepLogs(dest: string): Promise<number> {
  let kept = 0;
  for (const [label, started] of [['cluster', state.__ksCluster], ['bare-cluster', state.__ksBare]] as const) {
    const c = await started?.catch(() => undefined);
    if (!c) continue;
    for (const file of readdirSync(c.dir).filter((f) => f.endsWith('.log'))) {
      mkdirSync(join(dest, label), { recursive: true });
      copyFileSync(join(c.dir, file), join(dest, label, file));
      kept++;
    }
  }
  return kept;
}

/** Stops the stand-ins started so far (call after each test so that idle ones do not pile up). */
export async function stopStandIns(): Promise<void> {
  const running = state.__ksStandIns ?? [];
  state.__ksStandIns = [];
  await Promise.all(running.map((s) => s.stop()));
}

/** Stops the cluster and every stand-in, if any were started. */
export async function stopAll(): Promise<void> {
  await stopStandIns();
  await stopNodeNetwork();
  if (state.__ksCluster) (await state.__ksCluster.catch(() => undefined))?.stop();
  state.__ksCluster = undefined;
  if (state.__ksBare) (await state.__ksBare.catch(() => undefined))?.stop();
  state.__ksBare = undefined;
}

export async function freshNamespace(prefix: string): Promise<string> {
  const c = await cluster();
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await createNamespace(c, name);
  return name;
}

export async function adminClient(namespace: string): Promise<KubeClient> {
  const c = await cluster();
  return connect({ kubeconfig: c.kubeconfig, context: 'west', namespace, env: {} });
}

export interface StandInOptions {
  /** When false the router Pods never run: the Site stays Pending "Not Running" (for timeout tests). */
  running?: boolean;
  /** How long a new Link waits before the router dials it. */
  operationalDelayMs?: number;
  /**
   * Interop mode only: hand the namespace to the upstream controller that serves AccessGrants
   * (default: the one with grants disabled, so that our own grant server serves them).
   */
  upstreamGrants?: boolean;
  /**
   * Interop mode with real routers only (test/interop/build-router.sh): the real skupper-router and
   * kube-adaptor run for the site, each router Pod on a node of its own, instead of the router stand-in.
   */
  realRouter?: boolean;
  log?: (line: string) => void;
}

export interface StandIn {
  namespace: string;
  /** The router stand-in; undefined with realRouter. */
  router?: RouterStandIn;
  /** The kubelet and load balancer around the real routers, with realRouter. */
  realRouter?: RealRouterKubelet;
  /** The controller stand-in; undefined in interop mode, where the real controller runs. */
  controller?: ControllerStandIn;
  stop(): Promise<void>;
}

/**
 * Gives the namespace a Skupper control plane and the router stand-in. Call it BEFORE creating the
 * Site: in interop mode it hands the namespace to the upstream controller, which must happen first.
 */
export async function standIn(namespace: string, opts: StandInOptions = {}): Promise<StandIn> {
  const c = await cluster();
  const client = await adminClient(namespace);
  if (opts.upstreamGrants && !interop) throw new Error('standIn(..., { upstreamGrants: true }) needs interop mode: the controller stand-in does not serve grants');
  if (opts.realRouter && !(interop && realRouters())) throw new Error('standIn(..., { realRouter: true }) needs interop mode with the router checkouts (SKUPPER_ROUTER_SRC, PROTON_SRC)');
  opts = { log: verbose, ...opts };
  let controller: ControllerStandIn | undefined;
  if (interop) await markNamespace(c, namespace, opts.upstreamGrants ? GRANTS_CONTROLLER : SITE_CONTROLLER);
  else controller = new ControllerStandIn({ client, namespace, log: opts.log }).start();
  const realRouter = opts.realRouter ? new RealRouterKubelet({ cluster: c, client, namespace, log: opts.log }).start() : undefined;
  const router = realRouter ? undefined : new RouterStandIn({ client, namespace, running: opts.running, operationalDelayMs: opts.operationalDelayMs, log: opts.log }).start();
  const handle: StandIn = {
    namespace,
    router,
    realRouter,
    controller,
    stop: async () => {
      await Promise.all([router?.stop(), realRouter?.stop(), controller?.stop()]);
    },
  };
  (state.__ksStandIns ??= []).push(handle);
  return handle;
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

/**
 * Touches a Link (an annotation) and waits until the controller has configured it. Skupper 2.2.x
 * configures a NEW Link only when the Link object changes or at its 30 s resync; a Link the router
 * reaches is configured at once through the network status, but one it cannot reach (a test of
 * failure) would wait for the resync. The controller stand-in behaves the same way.
 */
export async function configureNow(namespace: string, link: string, timeoutMs = 15_000): Promise<void> {
  const client = await adminClient(namespace);
  const deadline = Date.now() + timeoutMs;
  let touched = 0;
  while (Date.now() < deadline) {
    const current = await client.get(LINKS, link, namespace);
    if (current.status?.conditions?.some((c) => c.type === 'Configured' && c.observedGeneration === current.metadata.generation)) return;
    // Touch again now and then: a touch that lands before the controller first saw the Link is
    // folded into that first sighting and changes nothing.
    if (Date.now() - touched > 1000) {
      await client.patch(LINKS, link, { metadata: { annotations: { 'kubectl-skupper.test/touched': String(Date.now()) } } }, namespace);
      touched = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Link ${namespace}/${link} was not configured within ${timeoutMs} ms`);
}
