// The one local cluster of a test run, started on first use and shared by every test file.
// Tests isolate themselves in namespaces of their own (freshNamespace).
import { randomBytes } from 'node:crypto';
import { connect } from '../../src/kube/connect.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createNamespace, startCluster, type TestCluster } from '../cluster/harness.js';
import { SiteStandIn, type StandInOptions } from '../stand-in/site-stand-in.js';

const state = globalThis as typeof globalThis & { __ksCluster?: Promise<TestCluster>; __ksBare?: Promise<TestCluster>; __ksStandIns?: SiteStandIn[] };

export function cluster(): Promise<TestCluster> {
  state.__ksCluster ??= startCluster({ log: process.env.TEST_VERBOSE ? (l) => process.stderr.write(`[cluster] ${l}\n`) : undefined });
  return state.__ksCluster;
}

/** A second cluster without the Skupper CRDs, started only by tests that need "Skupper is not installed". */
export function bareCluster(): Promise<TestCluster> {
  state.__ksBare ??= startCluster({ crds: false, namespaces: ['west'] });
  return state.__ksBare;
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

/** Starts a site stand-in for the namespace; stopped by stopAll() or by the returned stop(). */
export async function standIn(namespace: string, opts: Omit<StandInOptions, 'client' | 'namespace'> = {}): Promise<SiteStandIn> {
  const s = new SiteStandIn({ client: await adminClient(namespace), namespace, ...opts }).start();
  (state.__ksStandIns ??= []).push(s);
  return s;
}
