// Token codes without a cluster: what verifyCode accepts and refuses, and how strictly a token
// file is read.
import { randomUUID } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildClaims, issuerClaim } from '../../src/token/claims.js';
import { signClaims, TokenRejected, verifyCode } from '../../src/token/jwt.js';
import { parseTokenFile } from '../../src/token/file.js';
import { createCA } from '../../src/certs/index.js';
import { keySetOf, testSigningKey } from './test-keys.js';

const site = { name: 'west', uid: randomUUID() };
const signer = testSigningKey('k1');
const keys = keySetOf(signer);
const expected = { grant: 'west-g', issuer: issuerClaim(site) };
const claims = (over: Partial<Parameters<typeof buildClaims>[0]> = {}) => buildClaims({ site, grant: 'west-g', jti: randomUUID(), now: Date.now(), windowMs: 600_000, redemptionsAllowed: 1, linkCost: 1, ...over });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function reason(code: string, exp = expected): Promise<string> {
  try {
    await verifyCode(code, keys, exp);
    return 'accepted';
  } catch (err) {
    assert.instance(err, TokenRejected);
    return (err as TokenRejected).reason;
  }
}

test('a genuine code verifies and gives its claims', async () => {
  const c = claims({ redemptionsAllowed: 3 });
  const verified = await verifyCode(await signClaims(c, signer), keys, expected);
  assert.equal(verified, c);
});

test('refused: none, HS256, crit, unknown kid, another key, another grant or site, expired, not yet valid', async () => {
  const good = await signClaims(claims(), signer);
  const [, payload, signature] = good.split('.');
  assert.is(await reason(`${b64({ alg: 'none', kid: 'k1' })}.${payload}.`), 'algorithm');
  assert.is(await reason(`${b64({ alg: 'HS256', kid: 'k1' })}.${payload}.${signature}`), 'algorithm');
  assert.is(await reason(`${b64({ alg: 'ES256', kid: 'k1', crit: ['b64'], b64: true })}.${payload}.${signature}`), 'algorithm');
  assert.is(await reason(await signClaims(claims(), testSigningKey('k2'))), 'unknown-key');
  assert.is(await reason(await signClaims(claims(), { ...testSigningKey('x'), kid: 'k1' })), 'signature');
  assert.is(await reason(`${good.split('.')[0]}.${b64({ ...claims(), redemptionsAllowed: 9 })}.${signature}`), 'signature');
  assert.is(await reason(good, { ...expected, grant: 'west-other' }), 'claims');
  assert.is(await reason(good, { ...expected, issuer: issuerClaim({ name: 'west', uid: randomUUID() }) }), 'claims');
  assert.is(await reason(await signClaims(claims({ now: Date.now() - 3600_000 }), signer)), 'expired');
  assert.is(await reason(await signClaims(claims({ now: Date.now() + 3600_000 }), signer)), 'not-yet-valid');
  assert.is(await reason('not-a-jwt'), 'malformed');
});

test('within the clock leeway an expiry just past still verifies', async () => {
  const c = claims({ now: Date.now() - 600_000 - 10_000 });
  assert.is(await reason(await signClaims(c, signer)), 'accepted');
});

test('token files are read strictly, with the file name and the field in the message', async () => {
  const ca = (await createCA('t', { keyType: 'ecdsa' })).cert;
  const good = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'west-1' }, spec: { url: 'https://h:9090/u', code: 'abc', ca, linkCost: 1 } };
  const yaml = (o: unknown) => JSON.stringify(o);
  assert.is((await parseTokenFile(yaml(good), 't.yaml')).spec.code, 'abc');
  const bad: [unknown, RegExp][] = [
    [{ ...good, kind: 'Link' }, /kind is "Link", not AccessToken/],
    [{ ...good, apiVersion: 'skupper.io/v1' }, /apiVersion is "skupper.io\/v1"/],
    [{ ...good, spec: { ...good.spec, url: 'http://h/u' } }, /spec.url "http:\/\/h\/u" is not https/],
    [{ ...good, spec: { ...good.spec, ca: 'nope' } }, /spec.ca is not a PEM certificate/],
    [{ ...good, spec: { ...good.spec, code: '' } }, /spec.code is missing/],
    [{ ...good, spec: { ...good.spec, code: 'a.b' } }, /spec.code looks like a JWT but is not one/],
    [{ ...good, metadata: { name: 'Bad_Name' } }, /metadata.name "Bad_Name" is not a valid Kubernetes name/],
  ];
  for (const [doc, message] of bad) {
    try {
      await parseTokenFile(yaml(doc), 't.yaml');
      assert.unreachable(`accepted ${JSON.stringify(doc).slice(0, 80)}`);
    } catch (err) {
      assert.match((err as Error).message, /^t\.yaml is not a usable token file: /);
      assert.match((err as Error).message, message);
    }
  }
  try {
    await parseTokenFile('a: 1\n---\nb: 2\n', 't.yaml');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /holds several YAML documents/);
  }
});

test.run();
