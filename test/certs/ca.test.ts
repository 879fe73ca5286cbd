import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { rejects } from 'node:assert/strict';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { describeCertificate, verifySignedBy } from '../../src/certs/pem.js';
import { derSerialNumber } from './der.js';

const DAY = 24 * 60 * 60 * 1000;
const rsaCA = await createCA('skupper-site-ca');

test('RSA CA is self-signed, CA:true, with a CN-only subject', () => {
  const cert = new X509Certificate(rsaCA.cert);
  assert.is(cert.ca, true);
  assert.is(cert.subject, 'CN=skupper-site-ca');
  assert.is(cert.issuer, 'CN=skupper-site-ca');
  assert.ok(cert.verify(cert.publicKey), 'signature verifies with its own key');
  assert.ok(verifySignedBy(rsaCA.cert, rsaCA.cert));
});

test('RSA CA key is a 2048-bit PKCS#1 PEM key matching the certificate', () => {
  assert.ok(rsaCA.key.startsWith('-----BEGIN RSA PRIVATE KEY-----\n'), rsaCA.key.slice(0, 40));
  const key = createPrivateKey(rsaCA.key);
  assert.is(key.asymmetricKeyType, 'rsa');
  assert.is(key.asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(new X509Certificate(rsaCA.cert).checkPrivateKey(key));
});

test('CA extensions: basicConstraints CA:true critical, keyUsage certSign|cRLSign|digitalSignature critical, SKI', () => {
  const cert = new x509.X509Certificate(rsaCA.cert);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  assert.ok(bc);
  assert.is(bc.ca, true);
  assert.is(bc.critical, true);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  assert.ok(ku);
  assert.is(ku.critical, true);
  const { keyCertSign, cRLSign, digitalSignature } = x509.KeyUsageFlags;
  assert.is(ku.usages, keyCertSign | cRLSign | digitalSignature);
  assert.ok(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
});

test('CA serial is a positive integer of at most 128 bits, and random', async () => {
  const other = await createCA('skupper-site-ca', { keyType: 'ecdsa' });
  for (const pem of [rsaCA.cert, other.cert]) {
    const serial = derSerialNumber(pem);
    assert.ok(serial.length <= 17, `serial is ${serial.length} bytes`);
    assert.ok(serial[0]! < 0x80, 'DER INTEGER is positive');
    const value = BigInt(`0x${Buffer.from(serial).toString('hex')}`);
    assert.ok(value > 0n && value < 2n ** 128n);
  }
  assert.is.not(describeCertificate(rsaCA.cert).serialNumber, describeCertificate(other.cert).serialNumber);
});

test('validity defaults to 5 years and starts no later than now', () => {
  const { notBefore, notAfter } = describeCertificate(rsaCA.cert);
  const now = Date.now();
  assert.ok(notBefore.getTime() <= now);
  assert.ok(now - notBefore.getTime() < 5 * 60 * 1000, 'NotBefore is recent');
  const years5 = now + 5 * 365 * DAY;
  assert.ok(Math.abs(notAfter.getTime() - years5) < 5 * 60 * 1000, notAfter.toISOString());
});

test('validityDays is honoured and must be positive', async () => {
  const ca = await createCA('short', { keyType: 'ecdsa', validityDays: 30 });
  const remaining = describeCertificate(ca.cert).notAfter.getTime() - Date.now();
  assert.ok(Math.abs(remaining - 30 * DAY) < 5 * 60 * 1000);
  for (const validityDays of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await rejects(() => createCA('bad', { keyType: 'ecdsa', validityDays }), RangeError);
  }
});

test('ECDSA CA: SEC1 P-256 key, self-signed', async () => {
  const ca = await createCA('ec-ca', { keyType: 'ecdsa' });
  assert.ok(ca.key.startsWith('-----BEGIN EC PRIVATE KEY-----\n'));
  assert.is(createPrivateKey(ca.key).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(verifySignedBy(ca.cert, ca.cert));
  assert.is(describeCertificate(ca.cert).isCA, true);
});

test('empty common name is refused', async () => {
  await rejects(() => createCA('', { keyType: 'ecdsa' }), TypeError);
  await rejects(() => createCA('  ', { keyType: 'ecdsa' }), TypeError);
});

test('CN with DN special characters, unicode and newlines survives intact', async () => {
  for (const cn of ['a,b+c"d\\e<f>g;h=i', ' lead', '#hash', 'ünïcødé 日本', 'new\nline', 'trail ', '\\0A']) {
    const ca = await createCA(cn, { keyType: 'ecdsa' });
    assert.is(describeCertificate(ca.cert).commonName, cn);
    assert.is(new X509Certificate(ca.cert).toLegacyObject().subject.CN, cn);
  }
});

test.run();
