// The token procedure of the page, end to end: token issue on west (a real grant server process
// fills the grant), token redeem on east, the link Ready over real mTLS.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ACCESS_GRANTS, ACCESS_TOKENS, LINKS, SECRETS, SITES, type AccessToken } from '../../src/kube/resources.js';
import { verifySignedBy } from '../../src/certs/pem.js';
import { createCA } from '../../src/certs/index.js';
import { adminClient, cluster, freshNamespace, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { grantServer, run, stopGrantServers, twoSites, workDir } from './support.js';

test('issue on west, redeem on east: the Secret and Link exist, and the link becomes Ready over mTLS', async () => {
  const c = await cluster();
  const { west, east } = await twoSites({ operationalDelayMs: 1500 });
  const server = await grantServer(west);
  const dir = workDir();
  const file = join(dir, 'west.yaml');
  const issued = await run(west, 'token', 'issue', file);
  assert.is(issued.code, 0, issued.stderr);
  assert.match(issued.stdout, new RegExp(`^Token file ${file} written \\(mode 0600\\) for site "west"\\.\\nIt expires at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(in 1[45]m\\d+s\\) or after 1 use, whichever comes first\\.`));
  assert.match(issued.stdout, new RegExp(`kubectl skupper token redeem ${file}\\n$`));
  assert.is(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^# Skupper access token/);
  assert.match(text, /\n# Issuer:  site "west" \(uid [0-9a-f-]+\)\n# Expires: \d{4}-.*Z\n# Uses:    1 \(links it can make\)\n/);
  const token = parse(text) as AccessToken;
  assert.is(token.kind, 'AccessToken');
  assert.match(token.metadata.name, /^west-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(token.spec.url.startsWith(`${server.url}/`));
  assert.is(token.spec.code.split('.').length, 3);
  assert.is(token.spec.linkCost, 1);
  const grant = await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name);
  assert.is(token.spec.url, `${server.url}/${grant.metadata.uid}`);
  assert.is(grant.spec.code, token.spec.code);
  assert.is(grant.spec.expirationWindow, '15m0s');

  const inspect = await plugin(['token', 'inspect', file]);
  assert.is(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stdout, new RegExp(`^Token:\\s+${token.metadata.name}\\nIssuer:\\s+site "west" \\(uid ${grant.metadata.ownerReferences![0]!.uid}\\)\\nGrant:\\s+${token.metadata.name}\\nURL:\\s+https://127\\.0\\.0\\.1:\\d+/[0-9a-f-]+\\nIssued:\\s+\\S+Z\\nExpires:\\s+\\S+Z \\(in 1[45]m\\d+s\\)\\nUses allowed:\\s+1\\nLink cost:\\s+1\\nSigning key:\\s+\\d{8}-[0-9a-f]{12}\\n$`));
  const json = JSON.parse((await plugin(['token', 'inspect', file, '-o', 'json'])).stdout);
  assert.is(json.format, 'jwt');
  assert.is(json.expired, false);

  // kubectl apply -f takes the file as it is (in a namespace of its own: nothing redeems it there).
  const other = await freshNamespace('apply');
  const applied = spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, '-n', other, 'apply', '-f', file], { encoding: 'utf8' });
  assert.is(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /accesstoken\.skupper\.io\/west-[0-9a-f-]+ created/);

  const redeemed = await run(east, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
  assert.is(redeemed.stdout, `Token "${token.metadata.name}" redeemed: Link "${token.metadata.name}" created in namespace "${east}". Check it with "kubectl skupper link status --kubeconfig ${(await cluster()).kubeconfig} -n ${east}".\n`);
  const eastClient = await adminClient(east);
  const secret = await eastClient.get(SECRETS, token.metadata.name);
  assert.is(secret.type, 'kubernetes.io/tls');
  assert.is(secret.metadata.ownerReferences?.[0]?.kind, 'Site');
  const link = await eastClient.get(LINKS, token.metadata.name);
  assert.is(link.spec.tlsCredentials, token.metadata.name);
  assert.equal(link.spec.endpoints.map((e) => e.name), ['edge', 'inter-router']);
  assert.is(link.metadata.ownerReferences?.[0]?.name, 'east');
  const westCa = Buffer.from((await (await adminClient(west)).get(SECRETS, 'skupper-site-ca')).data!['tls.crt']!, 'base64').toString();
  assert.ok(verifySignedBy(Buffer.from(secret.data!['tls.crt']!, 'base64').toString(), westCa));
  assert.match(await server.logMatching(/outcome=redeemed/), new RegExp(`redemption grant=${west}/${token.metadata.name} outcome=redeemed uses=1/1 left=0`));
  assert.not.match(server.log(), new RegExp(token.spec.code.slice(-20)));

  // As on the page: Pending first, then Ready.
  const pending = await run(east, 'link', 'status');
  assert.match(pending.stdout, new RegExp(`^NAME\\s+STATUS\\s+REMOTE SITE\\s+COST\\s+MESSAGE\\s+AGE\\n${token.metadata.name}\\s+Pending\\s`));
  const ready = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '30s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, new RegExp(`${token.metadata.name}\\s+Ready\\s+west\\s+1\\s+OK`));
  const check = await run(east, 'link', 'check', '-o', 'json');
  for (const r of JSON.parse(check.stdout).items) assert.ok(r.tcp.ok && r.serverTrusted.ok && r.clientAccepted.ok, JSON.stringify(r));

  const again = await run(east, 'token', 'redeem', file);
  assert.is(again.code, 0);
  assert.match(again.stdout, /already exists in namespace .*was redeemed here before/);
});

test('token issue refuses without a site, on an edge site, without link access, and over an existing file', async () => {
  const dir = workDir();
  const none = await freshNamespace('nosite');
  let res = await run(none, 'token', 'issue', join(dir, 'a.yaml'));
  assert.is(res.code, 1);
  assert.match(res.stderr, /^error: there is no Skupper site in namespace/);
  const { west, east } = await twoSites();
  res = await run(east, 'token', 'issue', join(dir, 'a.yaml'));
  assert.match(res.stderr, /link access is not enabled on site "east"/);
  await (await adminClient(east)).patch(SITES, 'east', { spec: { edge: true } });
  res = await run(east, 'token', 'issue', join(dir, 'a.yaml'));
  assert.match(res.stderr, /site "east" is an edge site: edge sites cannot accept incoming links/);
  writeFileSync(join(dir, 'taken.yaml'), 'keep me');
  res = await run(west, 'token', 'issue', join(dir, 'taken.yaml'));
  assert.is(res.code, 2);
  assert.match(res.stderr, /taken\.yaml already exists/);
  assert.is(readFileSync(join(dir, 'taken.yaml'), 'utf8'), 'keep me');
  assert.is((await (await adminClient(west)).list(ACCESS_GRANTS)).items.length, 0, 'no grant made');
  const ca = (await createCA('t', { keyType: 'ecdsa' })).cert;
  const stray = join(dir, 'stray.yaml');
  writeFileSync(stray, JSON.stringify({ apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'west-1' }, spec: { url: 'https://127.0.0.1:1/x', code: 'abc', ca } }));
  res = await run(none, 'token', 'redeem', stray);
  assert.is(res.code, 1);
  assert.match(res.stderr, /^error: there is no Skupper site in namespace "nosite-[0-9a-f]+": create one with/);
  res = await run(east, 'token', 'redeem', stray);
  assert.is(res.code, 1);
  assert.match(res.stderr, /^error: cannot reach the grant server at 127\.0\.0\.1:1: connection refused/);
  res = await run(east, 'token', 'redeem', join(dir, 'missing.yaml'));
  assert.is(res.code, 2);
  assert.match(res.stderr, /token file .*missing\.yaml does not exist/);
  res = await run(west, 'token', 'issue', join(dir, 'b.yaml'), '--expiration-window', '30s');
  assert.is(res.code, 2);
  assert.match(res.stderr, /--expiration-window "30s": use at least 1m/);
});

test('token issue times out with the grant\'s own status and what to do, and deletes the grant', async () => {
  const { west } = await twoSites();
  const dir = workDir();
  const res = await run(west, 'token', 'issue', join(dir, 'w.yaml'), '--timeout', '2s');
  assert.is(res.code, 1);
  assert.match(res.stderr, /^error: no grant server answered for AccessGrant "west-[0-9a-f-]+" within 2s \(.*\): run "kubectl skupper grant-server --kubeconfig \S+ -n west-[0-9a-f]+" .* \(the grant was deleted\)\n$/);
  assert.is((await (await adminClient(west)).list(ACCESS_GRANTS)).items.length, 0);
  assert.throws(() => statSync(join(dir, 'w.yaml')));
});

test('token redeem --via-controller: the site\'s controller redeems the AccessToken through our grant server', async () => {
  const { west, east } = await twoSites();
  const server = await grantServer(west);
  const file = join(workDir(), 'w.yaml');
  assert.is((await run(west, 'token', 'issue', file, '--cost', '4')).code, 0);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  const res = await run(east, 'token', 'redeem', file, '--via-controller', '--wait', 'ready');
  assert.is(res.code, 0, res.stderr);
  assert.is(res.stdout, `Token "${token.metadata.name}" redeemed: Link "${token.metadata.name}" created in namespace "${east}". Check it with "kubectl skupper link status --kubeconfig ${(await cluster()).kubeconfig} -n ${east}".\nLink "${token.metadata.name}" is Ready.\n`);
  const eastClient = await adminClient(east);
  const stored = await eastClient.get(ACCESS_TOKENS, token.metadata.name);
  assert.equal(stored.spec, token.spec);
  assert.is(stored.status?.redeemed, true);
  assert.is((await eastClient.get(LINKS, token.metadata.name)).spec.cost, 4);
  assert.match(await server.logMatching(/outcome=redeemed/), new RegExp(`grant=${west}/${token.metadata.name} outcome=redeemed`));
});

test('token redeem --via-controller times out with what to do when no controller redeems, and removes the AccessToken', async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const file = join(workDir(), 'w.yaml');
  assert.is((await run(west, 'token', 'issue', file)).code, 0);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  // A site that no controller looks after.
  const lonely = await freshNamespace('lonely');
  const client = await adminClient(lonely);
  await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'lonely' }, spec: {} });
  const redeeming = run(lonely, 'token', 'redeem', file, '--via-controller', '--timeout', '3s');
  let seen: AccessToken | undefined;
  for (let i = 0; i < 60 && !seen; i++) {
    seen = await client.find(ACCESS_TOKENS, token.metadata.name);
    if (!seen) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(seen, 'the AccessToken was created');
  assert.equal(seen!.spec, token.spec);
  const res = await redeeming;
  assert.is(res.code, 1);
  assert.match(res.stderr, /^error: the site's controller did not redeem AccessToken "west-[0-9a-f-]+" within 3s \(it has no status: is the Skupper controller running in this namespace\?\); the AccessToken was deleted: try again, or redeem without --via-controller\n$/);
  assert.is(await client.find(ACCESS_TOKENS, token.metadata.name), undefined);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
