// Faults: the API server restarted during a wait and a watch cut mid-stream (the wait re-lists and
// still ends in success), a grant server that never answers or restarts under load.
// SIGINT in the middle of token issue, token redeem (--via-controller) and link generate
// --via-controller --output-file, sent to the built executable as a person's Ctrl-C would be: the
// command ends with 130 and leaves no orphan AccessGrant, AccessToken or Certificate, no Secret
// without its Link, and no file, whole or partial.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { createCA, issueCertificate } from '../../src/certs/index.js';
import { ACCESS_GRANTS, ACCESS_TOKENS, CERTIFICATES, LINKS, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminRequest, startCluster, type TestCluster } from '../cluster/harness.js';
import { adminClient, cluster, interop, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { BIN, grantServer, issue, run, stopGrantServers, twoSites, workDir } from '../token/support.js';
import { clusterSnapshot } from './support.js';

/** Runs the executable, sends SIGINT once `ready()` says the operation is under way, and returns its exit code and stderr. */
async function interrupt(args: string[], ready: () => Promise<boolean>): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const c = await cluster();
  const child = spawn(BIN, [...args, '--kubeconfig', c.kubeconfig], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the operation never got under way: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  return { ...(await exited), stderr };
}

test('SIGINT during token issue: exit 130, the AccessGrant is deleted, no token file', async () => {
  const { west } = await twoSites(); // no grant server: issue waits
  const dir = workDir();
  const client = await adminClient(west);
  const before = await clusterSnapshot(west);
  const res = await interrupt(['token', 'issue', join(dir, 't.yaml'), '-n', west, '--timeout', '60s'], async () => (await client.list(ACCESS_GRANTS)).items.length > 0);
  assert.is(res.code, 130, JSON.stringify(res));
  assert.is((await client.list(ACCESS_GRANTS)).items.length, 0, 'no orphan AccessGrant');
  assert.equal(readdirSync(dir), [], 'no file, whole or partial');
  // The signing-key Secret may have been made on first use: it is the site's, not the command's.
  assert.equal((await clusterSnapshot(west)).filter((r) => !r.startsWith('secrets/skupper-token-signing-keys')), before);
});

test('SIGINT during token redeem --via-controller: exit 130, the AccessToken is deleted', async () => {
  const { west, east } = await twoSites();
  await stopStandIns();
  // A grant server that accepts and never answers: the redemption hangs whichever controller tries
  // it (the real one keeps serving this namespace in interop mode), so redeem is still waiting.
  const held = new Set<Socket>();
  const silent = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  const client = await adminClient(east);
  const token: AccessToken = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'west-interrupted' }, spec: { url: `https://127.0.0.1:${port}/x`, code: 'q7Xn2pL9vR4tY8wZ', ca: (await cluster()).ca } };
  const file = join(workDir(), 't.yaml');
  writeFileSync(file, stringify(token));
  const before = await clusterSnapshot(east);
  const res = await interrupt(['token', 'redeem', file, '--via-controller', '-n', east, '--timeout', '60s'], async () => (await client.list(ACCESS_TOKENS)).items.length > 0)
    .finally(() => {
      for (const socket of held) socket.destroy();
      silent.close();
    });
  assert.is(res.code, 130, JSON.stringify(res));
  assert.equal(await clusterSnapshot(east), before, 'no AccessToken, Secret or Link left');
  assert.ok(west);
});

test('SIGINT during link generate --via-controller --output-file: all or nothing (exit 130 with no Certificate and no file, or a whole file)', async () => {
  const { west } = await twoSites();
  // With the stand-ins stopped nobody signs, so generate is still waiting when interrupted. In
  // interop mode the real controller keeps serving the namespace and may sign first: then the
  // command completes, and what it leaves must be whole.
  await stopStandIns();
  const client = await adminClient(west);
  const dir = workDir();
  const before = await clusterSnapshot(west);
  const res = await interrupt(['link', 'generate', '--via-controller', '--output-file', join(dir, 'link.yaml'), '-n', west, '--timeout', '60s'], async () => (await client.find(CERTIFICATES, 'link-west')) !== undefined);
  // The real controller may sign before the signal lands, even between the file's rename and the
  // exit: then the file must be whole, whatever the exit code.
  if (interop && readdirSync(dir).length > 0) {
    assert.ok(res.code === 0 || res.code === 130, JSON.stringify(res));
    assert.equal(readdirSync(dir), ['link.yaml']);
    const docs = parseAllDocuments(readFileSync(join(dir, 'link.yaml'), 'utf8')).map((d) => (d.toJS() as { kind: string }).kind);
    assert.equal(docs, ['Secret', 'Link'], 'a whole manifest');
    return;
  }
  assert.is(res.code, 130, JSON.stringify(res));
  assert.is(await client.find(CERTIFICATES, 'link-west'), undefined, 'no orphan Certificate');
  assert.equal(readdirSync(dir), []);
  assert.equal(await clusterSnapshot(west), before);
});

test('link generate --via-controller refuses a Secret of the name that is not the controller\'s, and asks for nothing', async () => {
  const { west } = await twoSites();
  const client = await adminClient(west);
  // Upstream's controller deletes the Secret named like a deleted Certificate: asking for one over
  // a user's Secret and taking it back would destroy that Secret.
  await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'link-west' }, type: 'Opaque', data: { note: Buffer.from('mine').toString('base64') } });
  const before = await clusterSnapshot(west);
  const c = await cluster();
  const res = await plugin(['link', 'generate', '--via-controller', '-n', west, '--kubeconfig', c.kubeconfig, '--timeout', '20s']);
  assert.is(res.code, 2, res.stderr);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /^error: Secret "link-west" already exists .* --tls-credentials/);
  assert.is(res.stderr.trimEnd().split('\n').length, 1);
  assert.is(await client.find(CERTIFICATES, 'link-west'), undefined);
  assert.equal(await clusterSnapshot(west), before);
});


// A private cluster, so that stopping its API server disturbs no other test.
let privateCluster: Promise<TestCluster> | undefined;
const faultCluster = () => (privateCluster ??= startCluster({ namespaces: ['west'] }));

/** A Link the wait can watch, Pending until markReady(). */
async function pendingLink(c: TestCluster, name: string): Promise<() => Promise<void>> {
  const path = `/apis/skupper.io/v2alpha1/namespaces/west/links/${name}`;
  const made = await adminRequest(c, 'POST', '/apis/skupper.io/v2alpha1/namespaces/west/links', { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '55671' }], tlsCredentials: name, cost: 1 } });
  assert.is(made.status, 201, made.body);
  return async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string) => ({ type, status: 'True', reason: 'Ready', message: 'OK', lastTransitionTime: now });
    const res = await adminRequest(c, 'PATCH', `${path}/status`, { status: { status: 'Ready', message: 'OK', conditions: [condition('Configured'), condition('Operational'), condition('Ready')] } });
    assert.is(res.status, 200, res.body);
  };
}

/** `link status NAME --wait ready` run against a kubeconfig, with -v 6 so the test can see its requests. */
function waitReady(kubeconfig: string, name: string) {
  const child = spawn(BIN, ['link', 'status', name, '--wait', 'ready', '--timeout', '60s', '-o', 'json', '-v', '6', '--kubeconfig', kubeconfig, '-n', 'west'], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

async function until(what: string, ok: () => boolean, child: ChildProcess, output: () => unknown): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ok()) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what} did not happen: ${JSON.stringify(output())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const watching = (stderr: string) => (stderr.match(/watch=true/g) ?? []).length;

test('the API server stops during link status --wait ready and comes back: the wait re-lists and succeeds', async () => {
  const c = await faultCluster();
  const markReady = await pendingLink(c, 'through-restart');
  const wait = waitReady(c.kubeconfig, 'through-restart');
  await until('the watch', () => watching(wait.out().stderr) > 0, wait.child, wait.out);
  await c.stopApiServer();
  // The plugin meets a refused connection while the server is down, and keeps waiting.
  await new Promise((r) => setTimeout(r, 1500));
  assert.is(wait.child.exitCode, null, `the wait gave up: ${JSON.stringify(wait.out())}`);
  await c.startApiServer();
  await markReady();
  const code = await wait.exited;
  assert.is(code, 0, JSON.stringify(wait.out()));
  assert.is(JSON.parse(wait.out().stdout).status.status, 'Ready');
  assert.ok(watching(wait.out().stderr) > 1, 'it watched again after the restart');
});

test('a watch cut mid-stream: the wait watches again and sees the link become ready', async () => {
  const c = await faultCluster();
  const markReady = await pendingLink(c, 'through-cut');
  // A loopback TCP proxy in front of the API server that the test can sever.
  const target = new URL(c.server);
  const sockets = new Set<Socket>();
  const proxy = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  const kubeconfig = join(workDir(), 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(c.kubeconfig, 'utf8').replace(c.server, `https://127.0.0.1:${port}`), { mode: 0o600 });
  try {
    const wait = waitReady(kubeconfig, 'through-cut');
    await until('the watch', () => watching(wait.out().stderr) > 0, wait.child, wait.out);
    await new Promise((r) => setTimeout(r, 300)); // let the watch's request reach the server
    const cut = sockets.size;
    for (const s of [...sockets]) s.destroy();
    assert.ok(cut > 0, 'a connection was open to cut');
    await until('a second watch', () => watching(wait.out().stderr) > 1, wait.child, wait.out);
    await markReady();
    assert.is(await wait.exited, 0, JSON.stringify(wait.out()));
    assert.is(JSON.parse(wait.out().stdout).status.status, 'Ready');
  } finally {
    for (const s of [...sockets]) s.destroy();
    proxy.close();
  }
});

test('the API server down for a whole wait: it ends within --timeout, saying the server was unreachable', async () => {
  const c = await faultCluster();
  await pendingLink(c, 'never-ready');
  await c.stopApiServer();
  try {
    const started = Date.now();
    const res = await plugin(['link', 'status', 'never-ready', '--wait', 'ready', '--timeout', '3s', '--kubeconfig', c.kubeconfig, '-n', 'west']);
    assert.ok(Date.now() - started < 5000, 'kept its --timeout');
    assert.is(res.code, 1);
    assert.match(res.stderr, /^error: gave up after 3s: the API server was unreachable until then \(cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: connection refused[^\n]*\)\n$/, res.stderr);
  } finally {
    await c.startApiServer();
  }
});

test('a grant server that accepts and never answers: token redeem ends within --timeout, one line, nothing created', async () => {
  const { east } = await twoSites();
  const ca = await createCA('silent-grant-server');
  const cert = await issueCertificate(ca, { commonName: 'silent', hosts: ['127.0.0.1'], server: true, keyType: 'ecdsa' });
  const held: Socket[] = [];
  // One server finishes the TLS handshake and never answers the request; the other never even
  // starts the handshake.
  const tls = createTlsServer({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.3' }, (s) => held.push(s));
  const tcp = createServer((s) => held.push(s));
  try {
    for (const server of [tls, tcp]) {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const token: AccessToken = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'west-silent' }, spec: { url: `https://127.0.0.1:${port}/x`, code: 'q7Xn2pL9vR4tY8wZ', ca: ca.cert } };
      const file = join(workDir(), 't.yaml');
      writeFileSync(file, stringify(token));
      const before = await clusterSnapshot(east);
      const started = Date.now();
      const res = await run(east, 'token', 'redeem', file, '--timeout', '3s');
      assert.ok(Date.now() - started < 5000, `kept its --timeout (${Date.now() - started} ms)`);
      assert.is(res.code, 1, res.stderr);
      assert.match(res.stderr, new RegExp(`^error: [^\n]*127\\.0\\.0\\.1:${port}[^\n]*\n$`));
      assert.equal(await clusterSnapshot(east), before, 'no Secret or Link made');
      assert.ok(held.length > 0, 'the plugin did connect');
    }
  } finally {
    for (const s of held) s.destroy();
    tls.close();
    tcp.close();
  }
});

test('the grant server restarted in the middle of 20 concurrent redemptions: never more than N, and the count stays exact', async () => {
  const N = 5;
  const { west, east } = await twoSites();
  const first = await grantServer(west);
  const listen = new URL(first.url).host;
  const { file, token } = await issue(west, '--redemptions-allowed', String(N));
  const racing = Promise.all(Array.from({ length: 20 }, (_, i) => run(east, 'token', 'redeem', file, '--name', `racer-${i}`)));
  // SIGTERM once the first redemption is in, then start again on the same address.
  await first.logMatching(/outcome=/);
  assert.is(await first.stop('SIGTERM'), 0);
  const second = await grantServer(west, [], listen);
  const results = await racing;
  const ok = results.filter((r) => r.code === 0).length;
  for (const r of results.filter((x) => x.code !== 0)) {
    assert.is(r.code, 1);
    assert.match(r.stderr, /^error: [^\n]+\n$/, 'one clear line');
  }
  const eastClient = await adminClient(east);
  const westClient = await adminClient(west);
  assert.ok(ok <= N, `${ok} redemptions succeeded`);
  assert.is((await eastClient.list(LINKS)).items.length, ok);
  assert.is((await eastClient.list(SECRETS)).items.filter((s) => s.metadata.name.startsWith('racer-')).length, ok);
  assert.is((await westClient.get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions ?? 0, ok);
  // What the race left is still there for the taking, exactly: N in all across both lives.
  let more = 0;
  for (let i = 0; i < N - ok; i++) {
    const res = await run(east, 'token', 'redeem', file, '--name', `after-${i}`);
    assert.is(res.code, 0, res.stderr);
    more++;
  }
  const last = await run(east, 'token', 'redeem', file, '--name', 'one-too-many');
  assert.is(last.code, 1, last.stderr);
  assert.match(last.stderr, new RegExp(`is used up \\(${N} of ${N} redemptions made\\)`), `${last.stderr}\nthe restarted grant server said:\n${second.log()}`);
  assert.is(ok + more, N);
  assert.is((await eastClient.list(LINKS)).items.length, N);
  assert.is((await westClient.get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions, N);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});
test.after(async () => (await privateCluster)?.stop());

test.run();
