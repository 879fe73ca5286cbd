// The transport and kubectl's client flags against the real API server (RBAC on), and against
// servers that misbehave: one that accepts TCP and never answers, and the real one behind ports
// that the fetch standard refuses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cluster } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'ks-transport-'));

function kubeconfigFor(server: string, user: Record<string, unknown>, clusterExtra: Record<string, unknown> = {}): string {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', namespace: 'west' } }],
    clusters: [{ name: 'k', cluster: { server, 'insecure-skip-tls-verify': true, ...clusterExtra } }],
    users: [{ name: 'u', user }],
  }));
  return file;
}

/** A server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((r) => { sockets.forEach((s) => s.destroy()); server.close(() => r()); }),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  const result = await fn();
  return [result, Date.now() - start];
}

test('--timeout is kept against a server that accepts TCP and never answers, and the message says the limit', async () => {
  const silent = await silentServer();
  try {
    const kc = kubeconfigFor(`https://127.0.0.1:${silent.port}`, { token: 't' });
    const [r, ms] = await timed(() => plugin(['link', 'status', '--kubeconfig', kc, '--timeout', '2s']));
    assert.is(r.code, 1);
    assert.match(r.stderr, /did not answer list links within 2s \(--timeout\) \(connecting\)/);
    assert.is(r.stderr.trim().split('\n').length, 1);
    // A promise kept to the second: the command ends within its 2 s, give or take scheduling.
    assert.ok(ms < 3500, `took ${ms} ms`);
  } finally {
    await silent.close();
  }
});

test('--request-timeout bounds each request and is named when it is the tighter limit', async () => {
  const silent = await silentServer();
  try {
    const kc = kubeconfigFor(`https://127.0.0.1:${silent.port}`, { token: 't' });
    const [r, ms] = await timed(() => plugin(['site', 'status', '--kubeconfig', kc, '--timeout', '30s', '--request-timeout', '1s']));
    assert.is(r.code, 1);
    assert.match(r.stderr, /within 1s \(--request-timeout\).*raise --request-timeout/);
    assert.ok(ms < 2500, `took ${ms} ms`);
    const bad = await plugin(['site', 'status', '--kubeconfig', kc, '--request-timeout', 'soon']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /invalid --request-timeout "soon"/);
  } finally {
    await silent.close();
  }
});

test('an exec credential plugin that hangs is bounded by --timeout too', async () => {
  const c = await cluster();
  const kc = kubeconfigFor(c.server, { exec: { command: 'sleep', args: ['30'] } });
  const [r, ms] = await timed(() => plugin(['link', 'status', '--kubeconfig', kc, '--timeout', '1s']));
  assert.is(r.code, 1);
  assert.match(r.stderr, /credentials \(exec plugin\) were not ready within 1s \(--timeout\)/);
  assert.ok(ms < 2500, `took ${ms} ms`);
});

test('API servers on ports that fetch refuses (6000, 10080, 1) work', async () => {
  const c = await cluster();
  const api = new URL(c.server);
  let tried = 0;
  for (const port of [6000, 10080, 1]) {
    const open: Socket[] = [];
    const proxy: Server = createServer((s) => {
      const up = tcpConnect(Number(api.port), '127.0.0.1');
      open.push(s, up);
      s.pipe(up).pipe(s);
      up.on('error', () => s.destroy());
      s.on('error', () => up.destroy());
    });
    const listening = await new Promise<boolean>((r) => {
      proxy.once('error', () => r(false));
      proxy.listen(port, '127.0.0.1', () => r(true));
    });
    if (!listening) continue; // taken on this machine: the other ports still prove the point
    tried++;
    try {
      const r = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west', '--server', `https://127.0.0.1:${port}`]);
      assert.is(r.stderr, '', `port ${port}`);
      assert.is(r.code, 0, `port ${port}`);
    } finally {
      // The plugin ran in this process; its idle keep-alive connection would hold close() open.
      open.forEach((s) => s.destroy());
      await new Promise((r) => proxy.close(r));
    }
  }
  assert.ok(tried >= 2, 'at least two of the refused ports could be tested');
});

test('--as is honoured by RBAC; --as-group adds groups', async () => {
  const c = await cluster();
  const denied = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west', '--as', 'nobody-else']);
  assert.is(denied.code, 1);
  assert.match(denied.stderr, /not allowed to list links\.skupper\.io in namespace "west" \(403 Forbidden\)/);
  const allowed = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west', '--as', 'nobody-else', '--as-group', 'system:masters', '--as-group', 'system:authenticated']);
  assert.is(allowed.code, 0, allowed.stderr);
});

test('--user and --cluster choose kubeconfig entries; unknown names are one clear line', async () => {
  const c = await cluster();
  const asNobody = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west', '--user', 'nobody']);
  assert.is(asNobody.code, 1);
  assert.match(asNobody.stderr, /403 Forbidden/);
  const noUser = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--user', 'ghost']);
  assert.is(noUser.code, 1);
  assert.match(noUser.stderr, /user "ghost" \(from --user\) is not in the kubeconfig: use one of: admin, nobody/);
  const noCluster = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--cluster', 'ghost']);
  assert.match(noCluster.stderr, /cluster "ghost" \(from --cluster\) is not in the kubeconfig: use one of: local/);
});

test('--server, --certificate-authority and --insecure-skip-tls-verify without a kubeconfig file', async () => {
  const c = await cluster();
  const ca = join(dir, 'ca.crt');
  writeFileSync(ca, c.ca);
  const noCreds = await plugin(['link', 'status', '--server', c.server, '--certificate-authority', ca, '-n', 'west']);
  // Trusted (the CA is right) but anonymous: the API server says who we are not.
  assert.is(noCreds.code, 1);
  assert.match(noCreds.stderr, /(401 Unauthorized|403 Forbidden)/);
  const untrusted = await plugin(['link', 'status', '--server', c.server, '-n', 'west', '--kubeconfig', kubeconfigFor(c.server, {}, { 'insecure-skip-tls-verify': false })]);
  assert.match(untrusted.stderr, /cannot trust the API server/);
  const insecure = await plugin(['link', 'status', '--server', c.server, '--insecure-skip-tls-verify', '-n', 'west']);
  assert.match(insecure.stderr, /(401 Unauthorized|403 Forbidden)/);
});

test('-v 7 logs each request and its headers, never the token', async () => {
  const c = await cluster();
  const r = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west', '--token', 'secret-token-value', '-v', '7']);
  assert.not.match(r.stderr, /secret-token-value/);
  assert.match(r.stderr, /"Authorization":"Bearer <masked>"/);
  assert.match(r.stderr, /credentials via fast path \(client certificate, bearer token\)/);
  assert.match(r.stderr, new RegExp(`GET ${c.server}/apis/skupper.io/v2alpha1/namespaces/west/links\\?limit=500 \\d+ .* in \\d+ milliseconds`));
  const quiet = await plugin(['link', 'status', '--kubeconfig', c.kubeconfig, '--context', 'west']);
  assert.is(quiet.stderr, '');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
