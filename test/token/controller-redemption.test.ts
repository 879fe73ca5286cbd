// The controller redeems an AccessToken with a bounded request: a grant server that accepts the
// connection and never answers gets an error status on the token after 10 s (Go's client timeout),
// and does not hold up the controller's other work meanwhile.
import { createServer, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { ACCESS_TOKENS, CERTIFICATES, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, interop, stopStandIns } from '../support/cluster.js';
import { twoSites } from './support.js';

test('a grant server that never answers: the AccessToken fails with a timeout, and the controller goes on working meanwhile', async () => {
  const { east } = await twoSites();
  const sockets = new Set<Socket>();
  // Accepts TCP and says nothing, not even a TLS handshake.
  const silent = createServer((socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  try {
    const client = await adminClient(east);
    const ca = (await createCA('silent grant server', { keyType: 'ecdsa' })).cert;
    const token: AccessToken = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'silent' }, spec: { url: `https://127.0.0.1:${port}/5f0f4b47-7c4c-4a8c-9d4a-2f2d3c0e9a11`, code: 'abc', ca } };
    await client.create(ACCESS_TOKENS, token);
    for (let i = 0; i < 200 && sockets.size === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(sockets.size > 0, `the controller called the silent server: ${JSON.stringify((await client.get(ACCESS_TOKENS, "silent")).status)}`);
    // Work the controller does while that call hangs: a Certificate gets its Secret.
    await client.create(CERTIFICATES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Certificate', metadata: { name: 'meanwhile' }, spec: { ca: '', subject: 'meanwhile CA', signing: true } });
    if (interop) {
      // Upstream 2.2.1 posts with an http.Client that has no timeout: the token stays unanswered
      // for as long as the server holds the connection (the stand-in gives up after 10 s). Pinned:
      await new Promise((r) => setTimeout(r, 12_000));
      assert.is((await client.get(ACCESS_TOKENS, 'silent')).status?.conditions?.find((c) => c.type === 'Redeemed'), undefined, 'upstream still waits');
      // ...and fails the token only when the server drops the connection.
      for (const socket of sockets) socket.destroy();
    }
    let secretFirst = false;
    let stored: AccessToken | undefined;
    for (let i = 0; i < 600; i++) {
      const secret = await client.find(SECRETS, 'meanwhile');
      stored = await client.get(ACCESS_TOKENS, 'silent');
      const failed = stored.status?.conditions?.some((c) => c.type === 'Redeemed' && c.status === 'False');
      if (secret && !failed) secretFirst = true;
      if (failed) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const redeemed = stored?.status?.conditions?.find((c) => c.type === 'Redeemed');
    assert.is(redeemed?.status, 'False', JSON.stringify(stored?.status));
    assert.match(redeemed?.message ?? '', interop ? /Post "https:\/\/127\.0\.0\.1:\d+\/[^"]+": .*(EOF|reset)/i : /Post "https:\/\/127\.0\.0\.1:\d+\/[^"]+": .*(deadline exceeded|timeout)/i);
    assert.is(stored?.status?.redeemed, undefined);
    // The upstream controller's queue is its own business; the stand-in's must not wait on the call.
    if (!interop) assert.ok(secretFirst, 'the Certificate got its Secret while the redemption was still hanging');
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test.after.each(async () => {
  await stopStandIns();
});

test.run();
