// The grant server's guarantees, against a real `kubectl skupper grant-server` process over HTTPS:
// exact counting under a race, expiry, tampering, cross-grant codes, upstream-style grants, the
// Lease, a clean stop; and the redeemer's refusal of anything but a Secret and its Links.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { createCA, issueCertificate } from '../../src/certs/index.js';
import { ACCESS_GRANTS, LEASES, LINKS, SECRETS, SITES, type AccessGrant, type AccessToken } from '../../src/kube/resources.js';
import { buildClaims } from '../../src/token/claims.js';
import { signClaims } from '../../src/token/jwt.js';
import { signingKeyFor } from '../../src/token/signing-keys.js';
import { postCode } from '../../src/token/post.js';
import { adminClient, cluster, freshNamespace, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { BIN, grantServer, issue, run, stopGrantServers, twoSites, workDir } from '../token/support.js';

function writeToken(token: AccessToken): string {
  const file = join(workDir(), 'token.yaml');
  writeFileSync(file, stringify(token), { mode: 0o600 });
  return file;
}

/** A grant made directly (as upstream tools or a person would), then the token its status gives. */
async function grantToken(ns: string, spec: AccessGrant['spec'], name = `west-${randomUUID()}`): Promise<{ grant: AccessGrant; token: AccessToken }> {
  const client = await adminClient(ns);
  await client.create(ACCESS_GRANTS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessGrant', metadata: { name }, spec });
  let grant: AccessGrant | undefined;
  for (let i = 0; i < 100 && !grant?.status?.url; i++) {
    grant = await client.get(ACCESS_GRANTS, name);
    if (!grant.status?.url) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(grant?.status?.url, 'the grant server filled the grant');
  const token: AccessToken = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name }, spec: { url: grant!.status!.url!, code: grant!.status!.code!, ca: grant!.status!.ca! } };
  return { grant: grant!, token };
}

test('--redemptions-allowed 3 with 20 concurrent redeemers: exactly 3 links and 17 "used up"', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { file, token } = await issue(west, '--redemptions-allowed', '3');
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(east, 'token', 'redeem', file, '--name', `racer-${i}`)));
  const ok = results.filter((r) => r.code === 0);
  const usedUp = results.filter((r) => r.code === 1 && /is used up \(3 of 3 redemptions made\): ask the issuing site for a new one\n$/.test(r.stderr));
  assert.is(ok.length, 3, results.map((r) => r.stderr).join(''));
  assert.is(usedUp.length, 17, results.map((r) => r.stderr).join(''));
  const eastClient = await adminClient(east);
  assert.is((await eastClient.list(LINKS)).items.length, 3);
  assert.is((await eastClient.list(SECRETS)).items.filter((s) => s.metadata.name.startsWith('racer-')).length, 3);
  assert.is((await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions, 3);
});

test('an expired token is refused before any network call and, sent anyway, by the server', async () => {
  const { west, east } = await twoSites();
  const server = await grantServer(west);
  const client = await adminClient(west);
  const site = await client.get(SITES, 'west');
  const name = `west-${randomUUID()}`;
  const claims = buildClaims({ site: { name: 'west', uid: site.metadata.uid! }, grant: name, jti: randomUUID(), now: Date.now() - 3600_000, windowMs: 15 * 60_000, redemptionsAllowed: 1, linkCost: 1 });
  const code = await signClaims(claims, await signingKeyFor(client, site, claims.exp));
  const { token, grant } = await grantToken(west, { code, expirationWindow: '15m0s' }, name);
  assert.is(grant.status?.expirationTime, new Date(claims.exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), 'the clock starts at issue, not when the server saw the grant');
  // Pointed at a port where nothing listens: only a check made before any call can say "expired".
  const offline = writeToken({ ...token, spec: { ...token.spec, url: 'https://127.0.0.1:1/x' } });
  const res = await run(east, 'token', 'redeem', offline);
  assert.is(res.code, 1);
  assert.match(res.stderr, new RegExp(`^error: token "${name}" expired at \\S+Z \\(4[45]m\\d+s ago\\): ask the issuing site for a new one\\n$`));
  const inspect = JSON.parse((await plugin(['token', 'inspect', offline, '-o', 'json'])).stdout);
  assert.is(inspect.expired, true);
  const answer = await postCode(token, { name: 'x', subject: 'y' }, 5000);
  assert.equal(answer, { status: 404, body: 'No such claim\n' });
  assert.match(await server.logMatching(/outcome=expired/), new RegExp(`grant=${west}/${name} outcome=expired`));
  assert.is((await client.get(ACCESS_GRANTS, name)).status?.redemptions ?? 0, 0);
});

test('a token whose header, payload or signature was changed is refused, as is a forged code stored in a grant', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { token, file } = await issue(west, '--redemptions-allowed', '2');
  const [header, payload, signature] = token.spec.code.split('.') as [string, string, string];
  const reencode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const headerJson = JSON.parse(Buffer.from(header, 'base64url').toString());
  const payloadJson = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const tampered = [
    [reencode({ ...headerJson, alg: 'HS256' }), payload, signature],
    [reencode({ ...headerJson, alg: 'none' }), payload, signature],
    [reencode({ ...headerJson, crit: ['exp'] }), payload, signature],
    [header, reencode({ ...payloadJson, redemptionsAllowed: 99 }), signature],
    [header, payload, `${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`],
  ];
  for (const parts of tampered) {
    const res = await run(east, 'token', 'redeem', writeToken({ ...token, spec: { ...token.spec, code: parts.join('.') } }), '--name', `t-${randomUUID().slice(0, 8)}`);
    assert.is(res.code, 1);
    assert.match(res.stderr, /refused token "west-[0-9a-f-]+" \(Redemption of access token refused\): the file was changed or belongs to another grant/);
  }
  const client = await adminClient(west);
  assert.is((await client.get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions ?? 0, 0);
  assert.is((await (await adminClient(east)).list(LINKS)).items.length, 0);
  assert.is((await run(east, 'token', 'redeem', file)).code, 0, 'the genuine token still works');

  // Someone who may create grants but not read the signing keys stores a code signed by another key.
  const site = await client.get(SITES, 'west');
  const name = `west-${randomUUID()}`;
  const claims = buildClaims({ site: { name: 'west', uid: site.metadata.uid! }, grant: name, jti: randomUUID(), now: Date.now(), windowMs: 600_000, redemptionsAllowed: 1, linkCost: 1 });
  const { generateKeyPairSync } = await import('node:crypto');
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as { x: string; y: string; d: string };
  const forged = await signClaims(claims, { ...jwk, kid: headerJson.kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', created: '', verifyUntil: '' });
  const { token: forgedToken } = await grantToken(west, { code: forged });
  assert.is(forgedToken.spec.code, forged);
  const res = await run(east, 'token', 'redeem', writeToken(forgedToken));
  assert.is(res.code, 1);
  assert.match(res.stderr, /Redemption of access token refused/);
});

test('a token for grant A posted to grant B\'s URL is refused, and B is untouched', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const a = await issue(west);
  const b = await issue(west);
  const crossed = writeToken({ ...a.token, spec: { ...a.token.spec, url: b.token.spec.url } });
  const res = await run(east, 'token', 'redeem', crossed);
  assert.is(res.code, 1);
  assert.match(res.stderr, /Redemption of access token refused/);
  const client = await adminClient(west);
  assert.is((await client.get(ACCESS_GRANTS, b.token.metadata.name)).status?.redemptions ?? 0, 0);
  assert.is((await client.get(ACCESS_GRANTS, a.token.metadata.name)).status?.redemptions ?? 0, 0);
  // A caller without a valid code learns nothing about B's state, even once B is used up.
  assert.is((await run(east, 'token', 'redeem', b.file)).code, 0);
  const answer = await postCode({ ...b.token, spec: { ...b.token.spec, code: 'not-the-code' } }, { name: 'x', subject: 'y' }, 5000);
  assert.equal(answer, { status: 403, body: 'Redemption of access token refused\n' });
});

test('grants made upstream style redeem: a random code, and no code at all (the server signs one)', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const opaque = await grantToken(west, { code: randomUUID().replaceAll('-', '') });
  assert.is(opaque.grant.status?.redemptions ?? 0, 0);
  assert.ok(Date.parse(opaque.grant.status!.expirationTime!) > Date.now() + 9 * 60_000, 'upstream\'s 10 minute default');
  assert.equal(opaque.grant.status?.conditions?.map((c) => `${c.type}=${c.status}`), ['Processed=True', 'Resolved=True', 'Ready=True']);
  const file = writeToken(opaque.token);
  const inspect = await plugin(['token', 'inspect', file]);
  assert.match(inspect.stdout, /Code:\s+not a JWT \(made by upstream Skupper\)/);
  const res = await run(east, 'token', 'redeem', file);
  assert.is(res.code, 0, res.stderr);
  assert.ok(await (await adminClient(east)).find(LINKS, opaque.token.metadata.name));

  const minted = await grantToken(west, { redemptionsAllowed: 2, expirationWindow: '1h' });
  assert.is(minted.token.spec.code.split('.').length, 3);
  const described = JSON.parse((await plugin(['token', 'inspect', writeToken(minted.token), '-o', 'json'])).stdout);
  assert.is(described.issuerSite, 'west');
  assert.is(described.redemptionsAllowed, 2);
  assert.is(described.grant, minted.token.metadata.name);
  assert.is((await run(east, 'token', 'redeem', writeToken(minted.token))).code, 0);
});

test('a grant server answer with anything but one tls Secret and its Links is refused, and nothing is created', async () => {
  const { east } = await twoSites();
  const ca = await createCA('fake grant server CA', { keyType: 'ecdsa' });
  const cert = await issueCertificate(ca, { commonName: '127.0.0.1', hosts: ['127.0.0.1'], keyType: 'ecdsa' });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'evil' }, type: 'kubernetes.io/tls', data: { 'ca.crt': 'YQ==', 'tls.crt': 'YQ==', 'tls.key': 'YQ==' } };
  const link = { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: 'evil' }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '1' }], tlsCredentials: 'evil' } };
  const answers: [string, unknown[]][] = [
    ['a ConfigMap "extra" besides the Secret and Links', [secret, link, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: {} }]],
    ['a Link "evil" that names Secret "other" instead of "evil"', [secret, { ...link, spec: { ...link.spec, tlsCredentials: 'other' } }]],
    ['a Secret of type "Opaque" instead of kubernetes.io/tls', [{ ...secret, type: 'Opaque' }, link]],
    ['a Link "evil" where a Secret was expected first', [link, secret]],
  ];
  let body = '';
  const fake = createServer({ cert: cert.cert, key: cert.key, minVersion: 'TLSv1.3' }, (req, res) => {
    req.resume();
    req.on('end', () => res.end(body));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  try {
    const url = `https://127.0.0.1:${(fake.address() as AddressInfo).port}/${randomUUID()}`;
    const file = writeToken({ apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'evil' }, spec: { url, code: 'abc', ca: ca.cert } });
    for (const [what, objects] of answers) {
      body = objects.map((o) => `---\n${stringify(o)}`).join('');
      const res = await run(east, 'token', 'redeem', file);
      assert.is(res.code, 1);
      assert.is(res.stderr, `error: the grant server at 127.0.0.1:${(fake.address() as AddressInfo).port} answered with ${what}: refused, nothing was created\n`);
    }
    const client = await adminClient(east);
    assert.is(await client.find(SECRETS, 'evil'), undefined);
    assert.is((await client.list(LINKS)).items.length, 0);
    // A server whose certificate the token's CA did not sign is not the grant server.
    const other = await createCA('another CA', { keyType: 'ecdsa' });
    const res = await run(east, 'token', 'redeem', writeToken({ apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'evil' }, spec: { url, code: 'abc', ca: other.cert } }));
    assert.match(res.stderr, /^error: the server at 127\.0\.0\.1:\d+ is not the grant server that issued this token: its certificate is not signed by the token's CA/);
  } finally {
    fake.close();
    fake.closeAllConnections();
  }
});

test('one grant server per namespace (the Lease), and a clean stop that gives the Lease up', async () => {
  const { west, east } = await twoSites();
  const first = await grantServer(west);
  const second = await grantServer(west);
  const lease = await (await adminClient(west)).get(LEASES, 'kubectl-skupper-grant-server');
  assert.match(lease.spec.holderIdentity!, new RegExp(`/${first.process.pid}$`));
  assert.is(lease.metadata.annotations?.['skupper.io/grant-server-url'], first.url);
  assert.match(second.log(), new RegExp(`not serving namespace ${west}: grant server \\S+/${first.process.pid} \\(${first.url.replace(/\./g, '\\.')}\\) holds its Lease`));
  // A third on the first one's address: refused in one line, exit 1 (the machine's state, not a usage error).
  const taken = spawnSync(BIN, ['grant-server', '--kubeconfig', (await cluster()).kubeconfig, '-n', west, '--listen', new URL(first.url).host], { encoding: 'utf8', timeout: 20_000, env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  assert.is(taken.status, 1, taken.stderr);
  assert.match(taken.stderr, /^error: cannot listen on 127\.0\.0\.1:\d+: the address is in use \(by another grant server\?\): pass a free one with --listen, or --listen 127\.0\.0\.1:0 for any\n$/);
  const { token, file } = await issue(west);
  assert.ok(token.spec.url.startsWith(first.url));
  assert.is(await first.stop('SIGTERM'), 0);
  assert.match(first.log(), /SIGTERM: stopping\n.*stopped\n$/);
  assert.is((await (await adminClient(west)).get(LEASES, 'kubectl-skupper-grant-server')).spec.holderIdentity, undefined);
  const gone = await run(east, 'token', 'redeem', file);
  assert.is(gone.code, 1);
  assert.match(gone.stderr, /^error: cannot reach the grant server at 127\.0\.0\.1:\d+: connection refused/);
  assert.is(await second.stop('SIGINT'), 0);
});

test('protocol edges: GET is 405, an unknown grant 403 as a wrong code (no telling which grants exist), an oversized body 400, TLS 1.2 refused', async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const { token } = await issue(west);
  const url = new URL(token.spec.url);
  const call = (method: string, path: string, body: string, tls: { maxVersion?: 'TLSv1.2' } = {}) =>
    new Promise<{ status: number; body: string } | Error>((resolve) => {
      const req = httpsRequest({ host: url.hostname, port: url.port, path, method, ca: token.spec.ca, agent: false, ...tls }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', (err) => resolve(err));
      req.end(body);
    });
  assert.equal(await call('GET', url.pathname, ''), { status: 405, body: 'Only POST is supported\n' });
  assert.equal(await call('POST', `/${randomUUID()}`, token.spec.code), { status: 403, body: 'Redemption of access token refused\n' });
  assert.equal(await call('POST', url.pathname, 'x'.repeat(64 * 1024)), { status: 400, body: 'Request body not valid\n' });
  const old = await call('POST', url.pathname, token.spec.code, { maxVersion: 'TLSv1.2' });
  assert.instance(old, Error);
  assert.is((await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions ?? 0, 0);
});

test('-A serves every namespace with a site, with one URL and one TLS identity', async () => {
  const a = await twoSites();
  const b = await twoSites();
  const home = await freshNamespace('grants-home');
  const server = await grantServer(home, ['-A']);
  for (const ns of [a.west, b.west]) {
    await server.logMatching(new RegExp(`serving namespace ${ns}`));
    const { token } = await issue(ns);
    assert.ok(token.spec.url.startsWith(`${server.url}/`));
    assert.ok(token.spec.ca.includes('BEGIN CERTIFICATE'));
  }
  const { file } = await issue(b.west);
  assert.is((await run(b.east, 'token', 'redeem', file)).code, 0);
  assert.ok(await (await adminClient(home)).find(SECRETS, 'kubectl-skupper-grant-server'), 'its TLS identity lives in the -n namespace');
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
