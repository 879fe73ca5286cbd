// Which grant server serves a namespace: the one holding the Lease "kubectl-skupper-grant-server"
// there (holderIdentity <host>/<pid>, annotation skupper.io/grant-server-url). Taken when absent
// or expired, renewed while the server runs, given up when it stops. Every write carries the
// resourceVersion read, so two servers never both believe they hold it.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { LEASES, type Lease } from '../kube/resources.js';

export const LEASE_NAME = 'kubectl-skupper-grant-server';
export const URL_ANNOTATION = 'skupper.io/grant-server-url';
export const LEASE_SECONDS = 15;

const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

export type LeaseOutcome = { held: true } | { held: false; holder: string; url?: string };

export function leaseExpired(lease: Lease, now = Date.now()): boolean {
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '') || 0;
  return !lease.spec.holderIdentity || renewed + (lease.spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 < now;
}

/** Takes or renews the Lease of one namespace. */
export async function holdLease(client: KubeClient, namespace: string, identity: string, url: string, now = Date.now()): Promise<LeaseOutcome> {
  const current = await client.find(LEASES, LEASE_NAME, namespace);
  const spec = { holderIdentity: identity, leaseDurationSeconds: LEASE_SECONDS, renewTime: microTime(now) };
  try {
    if (!current) {
      const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LEASE_NAME, annotations: { [URL_ANNOTATION]: url } }, spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 } };
      await client.create(LEASES, lease, namespace);
      return { held: true };
    }
    const ours = current.spec.holderIdentity === identity;
    if (!ours && !leaseExpired(current, now)) return { held: false, holder: current.spec.holderIdentity!, url: current.metadata.annotations?.[URL_ANNOTATION] };
    const takeover = ours ? {} : { acquireTime: microTime(now), leaseTransitions: (current.spec.leaseTransitions ?? 0) + 1 };
    await client.patch(LEASES, LEASE_NAME, { metadata: { resourceVersion: current.metadata.resourceVersion, annotations: { [URL_ANNOTATION]: url } }, spec: { ...spec, ...takeover } }, namespace);
    return { held: true };
  } catch (err) {
    if (err instanceof SkupperError && err.code === 'CONFLICT') {
      const winner = await client.find(LEASES, LEASE_NAME, namespace);
      // Lost to a write of our own (a renewal that overlapped this one): still ours.
      if (winner?.spec.holderIdentity === identity && !leaseExpired(winner, now)) return { held: true };
      return { held: false, holder: winner?.spec.holderIdentity ?? 'another grant server', url: winner?.metadata.annotations?.[URL_ANNOTATION] };
    }
    throw err;
  }
}

/** Gives the Lease up, if it is still ours, so another server can take over at once. */
export async function releaseLease(client: KubeClient, namespace: string, identity: string): Promise<void> {
  // Retried on a conflict: a write that raced ours (a renewal of our own still in flight) must not
  // leave the Lease held, or the next server waits out its whole duration before serving.
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await client.find(LEASES, LEASE_NAME, namespace);
    if (current?.spec.holderIdentity !== identity) return;
    try {
      await client.patch(LEASES, LEASE_NAME, { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { holderIdentity: null, renewTime: null } }, namespace);
      return;
    } catch (err) {
      if (!(err instanceof SkupperError && err.code === 'CONFLICT')) return;
    }
  }
}
