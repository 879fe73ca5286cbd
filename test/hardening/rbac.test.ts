// Least privilege: for each user task, a user bound to exactly the Role in deploy/rbac/ succeeds,
// and a user whose Role lacks one verb gets one line naming that verb and resource, with nothing
// left half-made. Users are service accounts with tokens: real authentication, real RBAC.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { parseAllDocuments } from 'yaml';
import { verifySignedBy } from '../../src/certs/pem.js';
import { ACCESS_GRANTS, CERTIFICATES, LINKS, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, stopStandIns, interop } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { BIN, grantServer, run, stopGrantServers, twoSites, workDir } from '../token/support.js';
import { assertRefusal, clusterSnapshot, userKubeconfig } from './support.js';

const as = (kubeconfig: string, ...args: string[]) => plugin([...args, '--kubeconfig', kubeconfig]);

async function adminToken(west: string, ...args: string[]): Promise<string> {
  const file = join(workDir(), 'token.yaml');
  const res = await run(west, 'token', 'issue', file, ...args);
  assert.is(res.code, 0, res.stderr);
  return file;
}

test('status-reader: site status and link status (with --wait) work; without "list" on links the message names it', async () => {
  const { east } = await twoSites();
  const ok = await userKubeconfig(east, 'status-reader.yaml');
  const site = await as(ok.kubeconfig, 'site', 'status');
  assert.is(site.code, 0, site.stderr);
  assert.match(site.stdout, /^NAME\s+STATUS/);
  const links = await as(ok.kubeconfig, 'link', 'status');
  assert.is(links.code, 0, links.stderr);
  const lacking = await userKubeconfig(east, 'status-reader.yaml', { verb: 'list', resource: 'links' });
  assertRefusal(await as(lacking.kubeconfig, 'link', 'status'), 1, /\blist\b.*\blinks\b.*403/, 'link status without list links');
  const nobody = await userKubeconfig(east, undefined);
  assertRefusal(await as(nobody.kubeconfig, 'site', 'status'), 1, /\blist\b.*\bsites\b.*403/, 'site status without a Role');
});

test('link-generator: link generate signs with the CA it may read; without "get" on secrets the message names it', async () => {
  const { west } = await twoSites();
  const ok = await userKubeconfig(west, 'link-generator.yaml');
  const before = await clusterSnapshot(west);
  const res = await as(ok.kubeconfig, 'link', 'generate');
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /kind: Secret[\s\S]*kind: Link/);
  const lacking = await userKubeconfig(west, 'link-generator.yaml', { verb: 'get', resource: 'secrets' });
  assertRefusal(await as(lacking.kubeconfig, 'link', 'generate'), 1, /\bget\b.*\bsecrets?\b.*403/i, 'link generate without get secrets');
  assert.equal(await clusterSnapshot(west), before, 'link generate creates nothing');
});

test('token-issuer: token issue works; without "create" on accessgrants the message names it and no grant is left', async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const ok = await userKubeconfig(west, 'token-issuer.yaml');
  const file = join(workDir(), 't.yaml');
  const res = await as(ok.kubeconfig, 'token', 'issue', file);
  assert.is(res.code, 0, res.stderr);
  assert.is((parse(readFileSync(file, 'utf8')) as AccessToken).kind, 'AccessToken');
  const lacking = await userKubeconfig(west, 'token-issuer.yaml', { verb: 'create', resource: 'accessgrants' });
  const grants = (await (await adminClient(west)).list(ACCESS_GRANTS)).items.length;
  const file2 = join(workDir(), 't.yaml');
  assertRefusal(await as(lacking.kubeconfig, 'token', 'issue', file2), 1, /you may not create accessgrants\.skupper\.io in namespace "[^"]+", which issuing a token needs \(nothing was made\)/, 'token issue without create accessgrants');
  assert.is((await (await adminClient(west)).list(ACCESS_GRANTS)).items.length, grants);
});

test('token-redeemer: token redeem works; without "create" on links the message names it and its Secret is taken back', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const ok = await userKubeconfig(east, 'token-redeemer.yaml');
  const res = await as(ok.kubeconfig, 'token', 'redeem', await adminToken(west), '--wait', 'ready', '--timeout', '30s');
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /is Ready/);
  const lacking = await userKubeconfig(east, 'token-redeemer.yaml', { verb: 'create', resource: 'links' });
  const before = await clusterSnapshot(east);
  assertRefusal(await as(lacking.kubeconfig, 'token', 'redeem', await adminToken(west)), 1, /you may not create links\.skupper\.io in namespace "[^"]+", which redeeming token "[^"]+" needs \(the token was not used and nothing was made\)/, 'token redeem without create links');
  const after = await clusterSnapshot(east);
  assert.equal(after, before, 'no Secret without its Link');
  assert.is((await (await adminClient(east)).list(LINKS)).items.length, 1);
  assert.ok((await (await adminClient(east)).list(SECRETS)).items.length >= 1);
});

test('link-generator-via-controller: link generate --via-controller works without reading the CA; nobody signing means a clear timeout and no Certificate left', async () => {
  const { west } = await twoSites();
  const user = await userKubeconfig(west, 'link-generator-via-controller.yaml', undefined, ['link-west', 'lonely']);
  const local = await as(user.kubeconfig, 'link', 'generate');
  assertRefusal(local, 1, /\bget\b.*\bsecrets?\b.*403/i, 'this user may not read the CA');
  // The site's controller (the stand-in, or the real one in interop mode) signs the Certificate.
  const signed = await as(user.kubeconfig, 'link', 'generate', '--via-controller', '--timeout', '20s');
  assert.is(signed.code, 0, signed.stderr);
  const docs = parseAllDocuments(signed.stdout).map((d) => d.toJS() as { kind: string; data?: Record<string, string> });
  assert.equal(docs.map((d) => d.kind), ['Secret', 'Link']);
  const westCa = Buffer.from((await (await adminClient(west)).get(SECRETS, 'skupper-site-ca')).data!['tls.crt']!, 'base64').toString();
  assert.ok(verifySignedBy(Buffer.from(docs[0]!.data!['tls.crt']!, 'base64').toString(), westCa), 'signed by the site CA');
  const cert = await (await adminClient(west)).get(CERTIFICATES, 'link-west');
  assert.equal({ ca: cert.spec.ca, client: cert.spec.client }, { ca: 'skupper-site-ca', client: true });
  // No controller at all (the stand-ins stopped): the wait times out in one line and takes its
  // Certificate back. Only the stand-ins can be stopped for one namespace: in interop mode the real
  // controller serves every test namespace and signs, which the first half already showed.
  if (interop) return;
  await stopStandIns();
  const before = await clusterSnapshot(west);
  const res = await as(user.kubeconfig, 'link', 'generate', '--via-controller', '--tls-credentials', 'lonely', '--timeout', '2s');
  assertRefusal(res, 1, /Certificate "lonely"/, 'nobody signs');
  assert.is(await (await adminClient(west)).find(CERTIFICATES, 'lonely'), undefined);
  assert.equal(await clusterSnapshot(west), before);
});

/** Runs the grant server as the given user; resolves with its URL once it serves, or its output if it exits. */
function startAs(kubeconfig: string, ns: string): Promise<{ url?: string; out: string; stop: () => void }> {
  const child = spawn(BIN, ['grant-server', '--kubeconfig', kubeconfig, '-n', ns, '--listen', '127.0.0.1:0'], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let out = '';
  let err = '';
  const stop = () => void (child.exitCode === null && child.kill('SIGTERM'));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ out: `${out}${err}(timeout)`, stop }), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /URL (https:\/\/\S+),/.exec(out)?.[1];
      if (url && /serving namespace/.test(out)) {
        clearTimeout(timer);
        resolve({ url, out, stop });
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out: `${out}${err}exit ${code}\n`, stop: () => undefined });
    });
  });
}

test('grant-server: serves a namespace with exactly its Role; without "create" on leases it stops with a message naming it', async () => {
  const { west, east } = await twoSites();
  const ok = await userKubeconfig(west, 'grant-server.yaml');
  const server = await startAs(ok.kubeconfig, west);
  try {
    assert.ok(server.url, server.out);
    const redeemed = await run(east, 'token', 'redeem', await adminToken(west));
    assert.is(redeemed.code, 0, redeemed.stderr);
  } finally {
    server.stop();
  }
  const { west: west2 } = await twoSites();
  const lacking = await userKubeconfig(west2, 'grant-server.yaml', { verb: 'create', resource: 'leases' });
  const refused = await startAs(lacking.kubeconfig, west2);
  assert.is(refused.url, undefined, refused.out);
  assert.match(refused.out, /^error: [^\n]*\bcreate\b[^\n]*\bleases\b[^\n]*403[^\n]*\nexit 1\n$/m);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
