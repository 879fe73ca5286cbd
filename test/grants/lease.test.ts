// The grant server's Lease (src/grants/lease.ts) against the real API server: renewals of our own
// that overlap still hold it; another server's live Lease does not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holdLease, LEASE_NAME, releaseLease } from '../../src/grants/lease.js';
import { LEASES } from '../../src/kube/resources.js';
import { adminClient, freshNamespace } from '../support/cluster.js';

test('overlapping renewals by the same server all hold the Lease, though the API server refuses all but one write', async () => {
  const ns = await freshNamespace('lease');
  const client = await adminClient(ns);
  assert.equal(await holdLease(client, ns, 'host/1', 'https://127.0.0.1:1'), { held: true });
  const before = (await client.get(LEASES, LEASE_NAME, ns)).metadata.resourceVersion;
  // Six connections open first, so that the six renewals read the same resourceVersion at once
  // and all but one of their writes get 409 Conflict.
  await Promise.all(Array.from({ length: 6 }, () => client.get(LEASES, LEASE_NAME, ns)));
  for (let round = 0; round < 5; round++) {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => holdLease(client, ns, 'host/1', 'https://127.0.0.1:1')));
    assert.equal(outcomes, Array.from({ length: 6 }, () => ({ held: true })), `round ${round}`);
  }
  const lease = await client.get(LEASES, LEASE_NAME, ns);
  assert.is.not(lease.metadata.resourceVersion, before);
  assert.is(lease.spec.holderIdentity, 'host/1');
  // Another server does not take a live Lease.
  const other = await holdLease(client, ns, 'host/2', 'https://127.0.0.1:2');
  assert.equal(other, { held: false, holder: 'host/1', url: 'https://127.0.0.1:1' });
  // Released, even while renewals of its own race the release; then the other server takes it.
  await Promise.all([releaseLease(client, ns, 'host/1'), releaseLease(client, ns, 'host/1'), releaseLease(client, ns, 'host/1')]);
  assert.is((await client.get(LEASES, LEASE_NAME, ns)).spec.holderIdentity ?? null, null);
  assert.equal(await holdLease(client, ns, 'host/2', 'https://127.0.0.1:2'), { held: true });
});

test.run();
