import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejects } from 'node:assert/strict';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import { describeCertificate, verifySignedBy, type PemPair } from '../../src/certs/pem.js';
import { derName, derSerialNumber } from './der.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY = 24 * 60 * 60 * 1000;

const caA = await createCA('site-a-ca');
const caB = await createCA('site-b-ca');
const hosts = ['skupper-inter-router-ns.apps.example.com', '10.0.0.1', 'fd00::1', ' ', 'dup.example', 'dup.example'];
const leaf = await issueCertificate(caA, { commonName: 'site-b-uid', hosts });

/** The private key in the pair belongs to the certificate's public key. */
function keyMatchesCert(pair: PemPair): boolean {
  const publicFromKey = createPublicKey(createPrivateKey(pair.key)).export({ type: 'spki', format: 'der' });
  const publicFromCert = new X509Certificate(pair.cert).publicKey.export({ type: 'spki', format: 'der' });
  return publicFromKey.equals(publicFromCert);
}

test('leaf verifies against its CA and not against another CA', () => {
  assert.ok(verifySignedBy(leaf.cert, caA.cert));
  assert.not.ok(verifySignedBy(leaf.cert, caB.cert));
  // Signature check alone, independent of name matching.
  assert.not.ok(new X509Certificate(leaf.cert).verify(new X509Certificate(caB.cert).publicKey));
});

test('a leaf is not a CA and cannot issue; a CA key must match its certificate', async () => {
  assert.is(describeCertificate(leaf.cert).isCA, false);
  await rejects(() => issueCertificate(leaf, { commonName: 'grandchild' }), /CN=site-b-uid: it is not a CA certificate/);
  await rejects(() => issueCertificate({ cert: caA.cert, key: caB.key }, { commonName: 'x' }), /CA certificate and key do not match/);
});

test('subject is the CN only; issuer is the CA subject, byte for byte', () => {
  const info = describeCertificate(leaf.cert);
  assert.is(info.subject, 'CN=site-b-uid');
  assert.is(info.commonName, 'site-b-uid');
  assert.is(info.issuer, 'CN=site-a-ca');
  assert.ok(derName(leaf.cert, 'issuer').equals(derName(caA.cert, 'subject')));
});

test('SANs: every host a DNS SAN, IPs also IP SANs (as upstream), blanks and duplicates dropped', () => {
  const info = describeCertificate(leaf.cert);
  assert.equal(info.dnsNames, ['skupper-inter-router-ns.apps.example.com', '10.0.0.1', 'fd00::1', 'dup.example']);
  assert.equal(info.ipAddresses, ['10.0.0.1', 'fd00::1']);
  const cert = new X509Certificate(leaf.cert);
  assert.is(cert.checkHost('skupper-inter-router-ns.apps.example.com'), 'skupper-inter-router-ns.apps.example.com');
  assert.is(cert.checkIP('10.0.0.1'), '10.0.0.1');
  assert.is(cert.checkIP('fd00::1'), 'fd00::1');
  // The real router checks the host it dials against DNS SANs and the CN only (never IP SANs) and
  // refused a certificate whose IP was only an IP SAN: the DNS copy is what it matches.
  assert.is(cert.checkHost('10.0.0.1'), '10.0.0.1', 'an IP is also listed as a DNS name');
  const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], { input: leaf.cert }).toString();
  assert.match(text, /DNS:10\.0\.0\.1/);
  assert.match(text, /IP Address:10\.0\.0\.1/);
});

test('no hosts: no subjectAltName extension', async () => {
  const client = await issueCertificate(caA, { commonName: 'client-only' });
  assert.is(new x509.X509Certificate(client.cert).getExtension(x509.SubjectAlternativeNameExtension), null);
  assert.equal(describeCertificate(client.cert).dnsNames, []);
});

test('extendedKeyUsage has serverAuth and clientAuth by default', () => {
  const eku = new X509Certificate(leaf.cert).keyUsage; // node reports the *extended* key usage OIDs here
  assert.ok(eku.includes(SERVER_AUTH), `serverAuth missing from ${eku}`);
  assert.ok(eku.includes(CLIENT_AUTH), `clientAuth missing from ${eku}`);
});

test('client: false / server: false narrow the extendedKeyUsage; both false is refused', async () => {
  const serverOnly = await issueCertificate(caA, { commonName: 's', client: false });
  assert.equal(new X509Certificate(serverOnly.cert).keyUsage, [SERVER_AUTH]);
  const clientOnly = await issueCertificate(caA, { commonName: 'c', server: false });
  assert.equal(new X509Certificate(clientOnly.cert).keyUsage, [CLIENT_AUTH]);
  await rejects(() => issueCertificate(caA, { commonName: 'x', client: false, server: false }), TypeError);
});

test('leaf extensions: keyUsage digitalSignature|keyEncipherment, CA:false, AKI = CA SKI, own SKI', () => {
  const cert = new x509.X509Certificate(leaf.cert);
  const { digitalSignature, keyEncipherment } = x509.KeyUsageFlags;
  assert.is(cert.getExtension(x509.KeyUsagesExtension)?.usages, digitalSignature | keyEncipherment);
  assert.is(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  const caSki = new x509.X509Certificate(caA.cert).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  assert.ok(caSki);
  assert.is(aki, caSki);
  assert.ok(ski);
  assert.is.not(ski, caSki);
});

test('serial: positive, at most 128 bits, differs between leaves', async () => {
  const other = await issueCertificate(caA, { commonName: 'site-b-uid' });
  for (const pem of [leaf.cert, other.cert]) {
    const serial = derSerialNumber(pem);
    assert.ok(serial.length <= 17 && serial[0]! < 0x80);
  }
  assert.is.not(describeCertificate(leaf.cert).serialNumber, describeCertificate(other.cert).serialNumber);
});

test('validity: 5 years by default, validityDays otherwise', async () => {
  const now = Date.now();
  const { notBefore, notAfter } = describeCertificate(leaf.cert);
  assert.ok(notBefore.getTime() <= now);
  assert.ok(Math.abs(notAfter.getTime() - (now + 5 * 365 * DAY)) < 5 * 60 * 1000);
  const short = await issueCertificate(caA, { commonName: 'short', validityDays: 1 });
  assert.ok(Math.abs(describeCertificate(short.cert).notAfter.getTime() - (now + DAY)) < 5 * 60 * 1000);
});

test('default leaf key: SEC1 PEM ECDSA P-256 matching the certificate', () => {
  assert.ok(leaf.key.startsWith('-----BEGIN EC PRIVATE KEY-----\n'), leaf.key.slice(0, 40));
  assert.is(createPrivateKey(leaf.key).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(keyMatchesCert(leaf));
  assert.ok(leaf.cert.startsWith('-----BEGIN CERTIFICATE-----\n') && leaf.cert.endsWith('-----END CERTIFICATE-----\n'));
});

test('keyType rsa: PKCS#1 PEM RSA-2048 leaf key', async () => {
  const rsaLeaf = await issueCertificate(caA, { commonName: 'rsa-leaf', keyType: 'rsa' });
  assert.ok(rsaLeaf.key.startsWith('-----BEGIN RSA PRIVATE KEY-----\n'));
  assert.is(createPrivateKey(rsaLeaf.key).asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(keyMatchesCert(rsaLeaf));
  assert.ok(verifySignedBy(rsaLeaf.cert, caA.cert));
});

test('CA keys in every PEM flavour sign verifiable leaves', async () => {
  const ecCA = await createCA('ec-ca', { keyType: 'ecdsa' });
  const asPkcs8 = (ca: PemPair): PemPair => ({
    cert: ca.cert,
    key: createPrivateKey(ca.key).export({ type: 'pkcs8', format: 'pem' }) as string,
  });
  for (const ca of [caA, asPkcs8(caA), ecCA, asPkcs8(ecCA)]) {
    const issued = await issueCertificate(ca, { commonName: 'any', hosts: ['h.example'] });
    assert.ok(verifySignedBy(issued.cert, ca.cert), ca.key.split('\n')[0]);
  }
});

test('unsupported CA key types (an Ed25519 CA made by OpenSSL) are refused with a clear error', async () => {
  const edCA = withTempDir((openssl, read) => {
    openssl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=ed', '-days', '1');
    return { cert: read('ca.crt'), key: read('ca.key') };
  });
  await rejects(() => issueCertificate(edCA, { commonName: 'x' }), /unsupported CA key type: ed25519/);
});

test('a CA made by OpenSSL (UTF8String CN, PKCS#8 key): issuer bytes match, openssl verify accepts the leaf', async () => {
  const foreign = withTempDir((openssl, read) => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
      '-subj', '/CN=OpenSSL CA', '-days', '30', '-utf8');
    return { cert: read('ca.crt'), key: read('ca.key') };
  });
  assert.ok(foreign.key.startsWith('-----BEGIN PRIVATE KEY-----'), 'OpenSSL 3 writes PKCS#8');
  const issued = await issueCertificate(foreign, { commonName: 'client', hosts: ['a.example'] });
  assert.ok(derName(issued.cert, 'issuer').equals(derName(foreign.cert, 'subject')));
  withTempDir((openssl) => {
    writeFileSync('ca.crt', foreign.cert);
    writeFileSync('leaf.crt', issued.cert);
    for (const purpose of ['sslclient', 'sslserver']) {
      assert.match(openssl('verify', '-CAfile', 'ca.crt', '-purpose', purpose, 'leaf.crt'), /leaf.crt: OK/);
    }
  });
});

type OpenSsl = (...args: string[]) => string;

/** Runs `body` inside a fresh temporary directory (also the process cwd), removed afterwards. */
function withTempDir<T>(body: (openssl: OpenSsl, read: (file: string) => string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'certs-test-'));
  const previous = process.cwd();
  process.chdir(dir);
  try {
    const openssl: OpenSsl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' }).toString();
    return body(openssl, (file) => readFileSync(file, 'utf8'));
  } finally {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  }
}

test.run();
