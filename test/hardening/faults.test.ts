// Faults: SIGINT in the middle of token issue, token redeem (--via-controller) and link generate
// --via-controller --output-file, sent to the built executable as a person's Ctrl-C would be: the
// command ends with 130 and leaves no orphan AccessGrant, AccessToken or Certificate, no Secret
// without its Link, and no file, whole or partial.
import { spawn } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { ACCESS_GRANTS, ACCESS_TOKENS, CERTIFICATES, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, cluster, interop, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { BIN, twoSites, workDir } from '../token/support.js';
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
  const silent = createNetServer((socket) => {
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
  if (interop && res.code === 0) {
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

test.after.each(stopStandIns);

test.run();
