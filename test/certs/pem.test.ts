import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import { describeCertificate, verifySignedBy } from '../../src/certs/pem.js';

const ca = await createCA('pem-test-ca', { keyType: 'ecdsa' });
const leaf = await issueCertificate(ca, {
  commonName: 'router, "quoted"',
  hosts: ['a.example', 'weird,name.example', '192.0.2.7', '2001:db8::42'],
  validityDays: 10,
});

test('describeCertificate reports names, SANs, dates, serial and CA flag', () => {
  const info = describeCertificate(leaf.cert);
  const node = new X509Certificate(leaf.cert);
  assert.is(info.commonName, 'router, "quoted"');
  assert.is(info.issuer, 'CN=pem-test-ca');
  assert.equal(info.dnsNames, ['a.example', 'weird,name.example', '192.0.2.7', '2001:db8::42']);
  assert.equal(info.ipAddresses, ['192.0.2.7', '2001:db8::42']);
  assert.is(info.isCA, false);
  assert.is(info.serialNumber, node.serialNumber.toUpperCase());
  assert.match(info.serialNumber, /^[0-9A-F]+$/);
  assert.ok(info.notBefore instanceof Date && info.notAfter instanceof Date);
  assert.is(info.notAfter.getTime(), new Date(node.validTo).getTime());
  const days = (info.notAfter.getTime() - info.notBefore.getTime()) / 86_400_000;
  assert.ok(days > 10 && days < 10.01, `${days} days`);
  assert.is(describeCertificate(ca.cert).isCA, true);
  assert.equal(describeCertificate(ca.cert).dnsNames, []);
});

test('verifySignedBy: false when the would-be issuer is not a CA', () => {
  // issueCertificate refuses to sign with a leaf, so have OpenSSL do it.
  const dir = mkdtempSync(join(tmpdir(), 'certs-test-'));
  try {
    writeFileSync(join(dir, 'leaf.crt'), leaf.cert);
    writeFileSync(join(dir, 'leaf.key'), leaf.key);
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=child', '-keyout', 'child.key', '-out', 'child.csr');
    run('x509', '-req', '-in', 'child.csr', '-CA', 'leaf.crt', '-CAkey', 'leaf.key', '-CAcreateserial', '-days', '1', '-out', 'child.crt');
    const child = readFileSync(join(dir, 'child.crt'), 'utf8');
    assert.ok(new X509Certificate(child).verify(new X509Certificate(leaf.cert).publicKey), 'the signature itself is fine');
    assert.not.ok(verifySignedBy(child, leaf.cert));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verifySignedBy: false for a tampered certificate', () => {
  const der = Buffer.from(new X509Certificate(leaf.cert).raw);
  der[der.length - 10]! ^= 0xff; // inside the signature
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  assert.not.ok(verifySignedBy(pem, ca.cert));
});

test('importing the module does not load @peculiar/x509 or reflect-metadata until a certificate is made', () => {
  const index = fileURLToPath(new URL('../../src/certs/index.ts', import.meta.url));
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => /@peculiar|reflect-metadata/.test(f)).length;
    const certs = await import(${JSON.stringify(index)});
    const before = { peculiar: loaded(), reflect: typeof Reflect.getMetadata };
    await certs.createCA('lazy', { keyType: 'ecdsa' });
    console.log(JSON.stringify({ before, after: { peculiar: loaded(), reflect: typeof Reflect.getMetadata } }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const result = JSON.parse(out) as { before: { peculiar: number; reflect: string }; after: { peculiar: number; reflect: string } };
  assert.equal(result.before, { peculiar: 0, reflect: 'undefined' });
  assert.ok(result.after.peculiar > 0, 'the probe does see @peculiar/x509 once loaded');
  assert.is(result.after.reflect, 'function');
});

test.run();
