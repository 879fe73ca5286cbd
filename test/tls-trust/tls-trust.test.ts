// src/tls-trust.ts against real TLS servers on loopback with real certificates. The default trust
// it may replace is process-wide, so each scenario runs in a fresh child process (scenario.ts)
// that connects to this process's servers and reports what it saw.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { Fixture } from './scenario.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tls-trust-'));
const cas = { a: await createCA('trust-a'), b: await createCA('trust-b'), extra: await createCA('trust-extra') };
const servers: Server[] = [];
const port = {} as Fixture['port'];
for (const name of ['a', 'b', 'extra'] as const) {
  const leaf = await issueCertificate(cas[name], { commonName: `server-${name}`, hosts: ['127.0.0.1'] });
  const server = createServer({ cert: leaf.cert, key: leaf.key }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  port[name] = (server.address() as AddressInfo).port;
}
const fixtureFile = join(dir, 'fixture.json');
writeFileSync(fixtureFile, JSON.stringify({ ca: { a: cas.a.cert, b: cas.b.cert, extra: cas.extra.cert }, port } satisfies Fixture));
const extraFile = join(dir, 'extra.pem');
writeFileSync(extraFile, cas.extra.cert);

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The environment Node's default trust depends on, cleared: each test adds what it is about. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_USE_SYSTEM_CA', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_OPTIONS']) delete env[name];
  return env;
}

async function scenario(mode: 'steps' | 'default' | 'bundle', env: NodeJS.ProcessEnv = baseEnv(), nodeFlags: string[] = []): Promise<Record<string, any>> {
  const { stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', join(import.meta.dirname, 'scenario.ts'), fixtureFile, mode], { env, encoding: 'utf8' });
  return JSON.parse(stdout) as Record<string, any>;
}

const refused = (outcome: string) => outcome !== 'ok';

test('the first CA becomes the default; another CA, Node\'s default trust and insecure requests each trust exactly what they should', async () => {
  const [steps, original] = await Promise.all([scenario('steps'), scenario('default')]);
  // A context for CA a accepts a's server and refuses the others.
  assert.is(steps.first.a, 'ok');
  assert.ok(refused(steps.first.b) && refused(steps.first.extra), JSON.stringify(steps.first));
  assert.equal(steps.defaultAfterFirst, [fingerprint(cas.a.cert)], 'the process default is exactly CA a');
  assert.equal(steps.sameCaAgain, steps.first);
  // After a became the default, a context for b trusts b and not a; the default stays a.
  assert.is(steps.other.b, 'ok');
  assert.ok(refused(steps.other.a) && refused(steps.other.extra), JSON.stringify(steps.other));
  assert.equal(steps.defaultAfterOther, [fingerprint(cas.a.cert)]);
  // Node's default trust: a is not in it, and the default is Node's original again.
  assert.ok(refused(steps.nodeDefault.a) && refused(steps.nodeDefault.b) && refused(steps.nodeDefault.extra), JSON.stringify(steps.nodeDefault));
  assert.ok(original.default.length > 100, 'Node\'s bundled roots');
  assert.equal(steps.defaultAfterNodeDefault, original.default);
  // Contexts made for a, before and after, still trust a alone; the default is not replaced again.
  assert.equal(steps.firstCached, steps.first);
  assert.equal(steps.firstFresh, steps.first);
  assert.equal(steps.defaultAtEnd, original.default);
  // Verification off connects to anything, with or without a CA.
  assert.equal(steps.insecure, { a: 'ok', b: 'ok', extra: 'ok' });
  assert.equal(steps.insecureWithCa, { a: 'ok', b: 'ok', extra: 'ok' });
});

test('a first CA that is a bundle trusts each of its certificates', async () => {
  const out = await scenario('bundle');
  assert.equal(out.bundle.a, 'ok');
  assert.equal(out.bundle.b, 'ok');
  assert.ok(refused(out.bundle.extra));
  assert.equal(out.defaultAfterBundle, [fingerprint(cas.a.cert), fingerprint(cas.b.cert)].sort());
});

const replaced: [string, NodeJS.ProcessEnv, boolean][] = [
  // [name, environment, whether the extra CA is in Node's default trust]
  ['NODE_EXTRA_CA_CERTS', { ...baseEnv(), NODE_EXTRA_CA_CERTS: extraFile }, true],
  // Without --use-openssl-ca Node does not read them: the default is the bundled roots alone.
  ['SSL_CERT_FILE alone', { ...baseEnv(), SSL_CERT_FILE: extraFile }, false],
  ['SSL_CERT_DIR alone', { ...baseEnv(), SSL_CERT_DIR: dir }, false],
];
for (const [name, env, extraTrusted] of replaced) {
  test(`with ${name} the first CA still becomes the default, and Node's default trust comes back exactly`, async () => {
    const [steps, original] = await Promise.all([scenario('steps', env), scenario('default', env)]);
    assert.is(original.default.includes(fingerprint(cas.extra.cert)), extraTrusted);
    assert.is(steps.first.a, 'ok');
    assert.ok(refused(steps.first.b) && refused(steps.first.extra), 'a CA of its own trusts only that CA');
    assert.equal(steps.defaultAfterFirst, [fingerprint(cas.a.cert)]);
    assert.is(steps.nodeDefault.extra === 'ok', extraTrusted);
    assert.ok(refused(steps.nodeDefault.a));
    assert.equal(steps.defaultAfterNodeDefault, original.default);
    assert.equal(steps.defaultAtEnd, original.default);
  });
}

const untouched: [string, NodeJS.ProcessEnv, string[]][] = [
  ['--use-system-ca on the command line', baseEnv(), ['--use-system-ca']],
  ['--use-system-ca in NODE_OPTIONS', { ...baseEnv(), NODE_OPTIONS: '--use-system-ca' }, []],
  ['NODE_USE_SYSTEM_CA=1', { ...baseEnv(), NODE_USE_SYSTEM_CA: '1' }, []],
  ['--use-openssl-ca with SSL_CERT_FILE', { ...baseEnv(), SSL_CERT_FILE: extraFile }, ['--use-openssl-ca']],
  ['--use-bundled-ca', baseEnv(), ['--use-bundled-ca']],
];
for (const [name, env, flags] of untouched) {
  test(`with ${name} the default is never replaced`, async () => {
    const [steps, original] = await Promise.all([scenario('steps', env, flags), scenario('default', env, flags)]);
    assert.is(steps.first.a, 'ok');
    assert.ok(refused(steps.first.b));
    assert.equal(steps.defaultAfterFirst, original.default);
    assert.equal(steps.defaultAtEnd, original.default);
    assert.ok(refused(steps.nodeDefault.a));
  });
}

test.after(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

test.run();
