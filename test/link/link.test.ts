// Links across two sites (two namespaces, each with a controller and the router stand-in), the
// token-free procedure: link generate on west, kubectl apply on east, link status until Ready.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { describeCertificate, verifySignedBy } from '../../src/certs/pem.js';
import { adminRequest } from '../cluster/harness.js';
import { LINKS, SECRETS, SITES, type Link, type Secret } from '../../src/kube/resources.js';
import { stopStandIns, adminClient, cluster, configureNow, freshNamespace, standIn } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { eventually } from '../service/support.js';

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

/** Two sites: west accepts links, east links to it. */
async function twoSites(opts: { ha?: boolean; operationalDelayMs?: number } = {}) {
  const west = await freshNamespace('west');
  const east = await freshNamespace('east');
  await standIn(west);
  await standIn(east, { operationalDelayMs: opts.operationalDelayMs });
  const ha = opts.ha ? ['--enable-ha'] : [];
  assert.is((await run(west, 'site', 'create', 'west', '--enable-link-access', ...ha)).code, 0);
  assert.is((await run(east, 'site', 'create', 'east')).code, 0);
  // The real controller can call an HA site Ready before it publishes the second router's
  // endpoints (interop run 19); the stand-in publishes both at once. Wait for both groups.
  if (opts.ha) {
    const client = await adminClient(west);
    await eventually(() => client.get(SITES, 'west'), (site) => new Set((site.status?.endpoints ?? []).map((e) => e.group)).size >= 2, 60_000);
  }
  return { west, east };
}

function kubectlApply(kubeconfig: string, ns: string, manifest: string) {
  return spawnSync('kubectl', ['--kubeconfig', kubeconfig, '-n', ns, 'apply', '-f', '-'], { input: manifest, encoding: 'utf8' });
}

// The real controller writes a Link's Operational only when the network status changes: a Link
// deleted and made again under the same name before the router's status moved must still get it
// (interop: the routers' status stayed the same and "link sites" stayed Pending "Not Operational").
test('a Link deleted and made again at once under the same name becomes Ready', async () => {
  const c = await cluster();
  const { west, east } = await twoSites();
  const gen = await run(west, 'link', 'generate');
  assert.is(gen.code, 0, gen.stderr);
  assert.is(kubectlApply(c.kubeconfig, east, gen.stdout).status, 0);
  const ready = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '60s');
  assert.is(ready.code, 0, ready.stderr);
  const client = await adminClient(east);
  const link = await client.get(LINKS, 'link-west-skupper-router');
  const secret = await client.get(SECRETS, 'link-west');
  const fresh = <T extends { metadata: object }>(o: T): T => ({ ...o, metadata: { name: (o.metadata as { name: string }).name, labels: (o.metadata as { labels?: Record<string, string> }).labels }, status: undefined });
  await client.delete(LINKS, link.metadata.name);
  await client.delete(SECRETS, secret.metadata.name);
  await client.create(SECRETS, fresh(secret));
  await client.create(LINKS, fresh(link));
  const again = await client.get(LINKS, link.metadata.name);
  assert.is.not(again.metadata.uid, link.metadata.uid, 'a new Link');
  const res = await run(east, 'link', 'status', link.metadata.name, '--wait', 'ready', '--timeout', '60s');
  assert.is(res.code, 0, res.stderr);
  assert.is((await client.get(LINKS, link.metadata.name)).status?.status, 'Ready');
});

test('generate on west, kubectl apply on east, and the link becomes Ready over real mTLS', async () => {
  const c = await cluster();
  const { west, east } = await twoSites();
  const gen = await run(west, 'link', 'generate');
  assert.is(gen.code, 0, gen.stderr);
  const docs = parseAllDocuments(gen.stdout).map((d) => d.toJS() as Secret | Link);
  assert.equal(docs.map((d) => `${d.kind}/${d.metadata.name}`), ['Secret/link-west', 'Link/link-west-skupper-router']);
  const secret = docs[0] as Secret;
  const link = docs[1] as Link;
  assert.is(secret.type, 'kubernetes.io/tls');
  assert.equal(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  assert.is(link.spec.tlsCredentials, 'link-west');
  assert.is(link.spec.cost, 1);
  assert.equal(link.spec.endpoints.map((e) => e.name), ['edge', 'inter-router']);
  // The client certificate is signed by west's CA, the issuer the site names.
  const caSecret = await (await adminClient(west)).get(SECRETS, 'skupper-site-ca');
  const caCert = Buffer.from(caSecret.data!['tls.crt']!, 'base64').toString();
  const clientCert = Buffer.from(secret.data!['tls.crt']!, 'base64').toString();
  assert.ok(verifySignedBy(clientCert, caCert));
  assert.is(Buffer.from(secret.data!['tls.key']!, 'base64').toString().split('\n')[0], '-----BEGIN EC PRIVATE KEY-----');
  assert.ok(describeCertificate(clientCert).notAfter.getTime() > Date.now() + 4 * 365 * 86400_000);
  // Nothing was created in west by generating.
  assert.is(await (await adminClient(west)).find(SECRETS, 'link-west'), undefined);
  assert.is((await (await adminClient(west)).list(LINKS)).items.length, 0);

  const applied = kubectlApply(c.kubeconfig, east, gen.stdout);
  assert.is(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /link\.skupper\.io\/link-west-skupper-router created/);

  const ready = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '30s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nlink-west-skupper-router\s+Ready\s+west\s+1\s+OK\s+\d+s\n$/);
  const stored = await (await adminClient(east)).get(LINKS, 'link-west-skupper-router');
  assert.is(stored.status?.remoteSiteName, 'west');

  const check = await run(east, 'link', 'check', '-o', 'json');
  assert.is(check.code, 0, check.stdout + check.stderr);
  const results = JSON.parse(check.stdout).items as { endpoint: string; tcp: { ok: boolean }; serverTrusted: { ok: boolean }; clientAccepted: { ok: boolean }; clientCertExpires: string }[];
  assert.equal(results.map((r) => r.endpoint), ['edge', 'inter-router']);
  for (const r of results) {
    assert.ok(r.tcp.ok && r.serverTrusted.ok && r.clientAccepted.ok, JSON.stringify(r));
    assert.ok(Date.parse(r.clientCertExpires) > Date.now());
  }
  const table = await run(east, 'link', 'check');
  assert.match(table.stdout, /^LINK\s+ENDPOINT\s+ADDRESS\s+TCP\s+SERVER TRUSTED\s+CLIENT ACCEPTED\s+CERT EXPIRES\n/);
});

test('a link generated for one site is refused by another site\'s listener', async () => {
  const { west, east } = await twoSites();
  const north = await freshNamespace('north');
  await standIn(north);
  assert.is((await run(north, 'site', 'create', 'north', '--enable-link-access')).code, 0);
  // Credentials from north, but trusting west's CA and pointed at west's endpoints.
  const fromNorth = parseAllDocuments((await run(north, 'link', 'generate')).stdout).map((d) => d.toJS());
  const westLink = parseAllDocuments((await run(west, 'link', 'generate')).stdout).map((d) => d.toJS());
  const westSecret = westLink[0] as Secret;
  const forged: Secret = { ...(fromNorth[0] as Secret), metadata: { name: 'forged' }, data: { ...(fromNorth[0] as Secret).data, 'ca.crt': westSecret.data!['ca.crt']! } };
  const link: Link = { ...(westLink[1] as Link), metadata: { name: 'forged-link' }, spec: { ...(westLink[1] as Link).spec, tlsCredentials: 'forged' } };
  const client = await adminClient(east);
  await client.create(SECRETS, forged);
  await client.create(LINKS, link);

  const check = await run(east, 'link', 'check', 'forged-link', '-o', 'json');
  assert.is(check.code, 1);
  const results = JSON.parse(check.stdout).items as { tcp: { ok: boolean }; serverTrusted: { ok: boolean }; clientAccepted: { ok: boolean; detail: string } }[];
  for (const r of results) {
    assert.ok(r.tcp.ok);
    assert.ok(r.serverTrusted.ok, 'west\'s server certificate is trusted through ca.crt');
    assert.is(r.clientAccepted.ok, false);
  }
  // The router's handshake is refused too, so the link is configured but never operational: the
  // controller reports no error for a refused certificate, only "Not Operational".
  await configureNow(east, 'forged-link');
  const wait = await run(east, 'link', 'status', 'forged-link', '--wait', 'ready', '--timeout', '3s');
  assert.is(wait.code, 1);
  assert.match(wait.stderr, /links not ready after 3s: forged-link \(Pending: Not Operational\)/);
});

test('a new link has no status until the router reaches its peer, and --wait ready follows it to Ready', async () => {
  const c = await cluster();
  const { west, east } = await twoSites({ operationalDelayMs: 2500 });
  assert.is(kubectlApply(c.kubeconfig, east, (await run(west, 'link', 'generate')).stdout).status, 0);
  // Skupper 2.2 configures a new Link when the router reports it (or at its 30 s resync), so
  // until the router has connected the Link has no status at all.
  const before = await run(east, 'link', 'status');
  assert.match(before.stdout, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nlink-west-skupper-router\s+Pending\s+1\s+Not Configured\s+\d+s\n$/);
  assert.is((await (await adminClient(east)).get(LINKS, 'link-west-skupper-router')).status, undefined);
  const ready = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '30s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /link-west-skupper-router\s+Ready\s+west\s+1\s+OK\s+\d+s/);
});

test('link status --wait times out listing the links that are not ready and why', async () => {
  const { west, east } = await twoSites();
  // Good credentials, but an endpoint where nothing listens.
  const [secret, link] = parseAllDocuments((await run(west, 'link', 'generate', '--name', 'nowhere', '--cost', '3')).stdout).map((d) => d.toJS()) as [Secret, Link];
  link.spec.endpoints = [{ name: 'inter-router', host: '127.0.0.1', port: '1', group: 'skupper-router' }];
  const client = await adminClient(east);
  await client.create(SECRETS, secret);
  await client.create(LINKS, link);
  await configureNow(east, 'nowhere');
  const res = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '2s');
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /links not ready after 2s: nowhere \(Pending: Not Operational\)/);
  const table = await run(east, 'link', 'status');
  assert.match(table.stdout, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nnowhere\s+Pending\s+3\s+Not Operational\s+\d+s\n$/);
  const one = await run(east, 'link', 'status', 'nowhere');
  assert.match(one.stdout, /^Name:\s+nowhere\nStatus:\s+Pending\nCost:\s+3\nMessage:\s+Not Operational\n/);
});

test('HA sites give one Link per endpoint group; delete keeps a Secret another Link still uses', async () => {
  const c = await cluster();
  const { west, east } = await twoSites({ ha: true });
  const gen = await run(west, 'link', 'generate', '--name', 'to-west', '--cost', '5', '-o', 'json');
  assert.is(gen.code, 0, gen.stderr);
  const list = JSON.parse(gen.stdout);
  assert.is(list.kind, 'List');
  assert.equal(list.items.map((i: Link) => `${i.kind}/${i.metadata.name}`), ['Secret/link-west', 'Link/to-west-1', 'Link/to-west-2']);
  assert.equal(list.items.slice(1).map((l: Link) => l.spec.endpoints[0]!.group), ['skupper-router', 'skupper-router-2']);
  assert.is(list.items[1].spec.cost, 5);
  assert.is(kubectlApply(c.kubeconfig, east, gen.stdout).status, 0);

  let res = await run(east, 'link', 'delete', 'to-west-1');
  assert.is(res.stdout, 'Link "to-west-1" is deleted.\n', res.stderr);
  const client = await adminClient(east);
  assert.ok(await client.find(SECRETS, 'link-west'), 'still used by to-west-2');
  res = await run(east, 'link', 'delete', 'to-west-2');
  assert.is(res.stdout, 'Link "to-west-2" is deleted, with its Secret "link-west".\n');
  assert.is(await client.find(SECRETS, 'link-west'), undefined);
  assert.is((await client.list(LINKS)).items.length, 0);
  const again = await run(east, 'link', 'delete', 'to-west-2');
  assert.is(again.code, 1);
  assert.match(again.stderr, /there is no link "to-west-2"/);
});

test('link generate explains what to do when link access is off, and makes nothing', async () => {
  const ns = await freshNamespace('noaccess');
  await standIn(ns);
  assert.is((await run(ns, 'site', 'create', 'east')).code, 0);
  const res = await run(ns, 'link', 'generate');
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /link access is not enabled on site "east": run "kubectl skupper site update --enable-link-access --kubeconfig \S+ -n [a-z0-9-]+"/);
  const none = await freshNamespace('nosite');
  const nosite = await run(none, 'link', 'generate');
  assert.match(nosite.stderr, /there is no Skupper site in namespace/);
});

test('link generate names the missing permission when the CA cannot be read', async () => {
  const c = await cluster();
  const { west } = await twoSites();
  // "nobody" may read Sites in west's namespace, but not Secrets.
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'site-reader' }, rules: [{ apiGroups: ['skupper.io'], resources: ['sites'], verbs: ['get', 'list', 'watch'] }] };
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'site-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'site-reader' }, subjects: [{ kind: 'User', name: 'nobody', apiGroup: 'rbac.authorization.k8s.io' }] };
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${west}/roles`, role)).status, 201);
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${west}/rolebindings`, binding)).status, 201);
  const res = await plugin(['link', 'generate', '--kubeconfig', c.kubeconfig, '--context', 'nobody', '-n', west]);
  assert.is(res.code, 1);
  assert.match(res.stderr, new RegExp(`not allowed to get secrets in namespace "${west}" \\(403 Forbidden\\)`));
});

test('--output-file writes the manifest 0600, atomically, and refuses to overwrite', async () => {
  const { west } = await twoSites();
  const dir = mkdtempSync(join(tmpdir(), 'ks-link-'));
  const file = join(dir, 'link.yaml');
  const res = await run(west, 'link', 'generate', '--output-file', file);
  assert.is(res.code, 0, res.stderr);
  assert.is(res.stdout, '', 'the private key is not printed');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /kind: Secret/);
  writeFileSync(file, 'keep me');
  const again = await run(west, 'link', 'generate', '--output-file', file);
  assert.is(again.code, 2);
  assert.match(again.stderr, /already exists/);
  assert.is(readFileSync(file, 'utf8'), 'keep me');
  const bad = await run(west, 'link', 'generate', '--output-file', join(dir, 'missing', 'x.yaml'));
  assert.is(bad.code, 2);
  assert.ok(!existsSync(join(dir, 'missing')));
});

test('--generate-credential=false references an existing Secret and needs its name', async () => {
  const { west } = await twoSites();
  const res = await run(west, 'link', 'generate', '--generate-credential=false', '--tls-credentials', 'shared');
  assert.is(res.code, 0, res.stderr);
  const docs = parseAllDocuments(res.stdout).map((d) => d.toJS());
  assert.equal(docs.map((d) => d.kind), ['Link']);
  assert.is(docs[0].spec.tlsCredentials, 'shared');
  const missing = await run(west, 'link', 'generate', '--generate-credential=false');
  assert.is(missing.code, 2);
  assert.is((await run(west, 'link', 'generate', '--cost', '0')).code, 2);
});

test('link status with no links is a clear line; -o json of several is a List', async () => {
  const ns = await freshNamespace('nolinks');
  const empty = await run(ns, 'link', 'status');
  assert.is(empty.code, 0);
  assert.is(empty.stdout, `There are no link resources in namespace "${ns}".\n`);
  const client = await adminClient(ns);
  for (const name of ['b', 'a']) {
    await client.create(LINKS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '1', group: 'g' }], tlsCredentials: 'x', cost: 1 } });
  }
  const json = JSON.parse((await run(ns, 'link', 'status', '-o', 'json')).stdout);
  assert.is(json.kind, 'List');
  assert.equal(json.items.map((l: Link) => l.metadata.name), ['a', 'b']);
  const sites = await client.list(SITES);
  assert.is(sites.items.length, 0);
});

test.after.each(stopStandIns);

test.run();
