import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generateKey, importSigningKey } from './keys.js';
import type { KeyType, PemPair } from './pem.js';
import { subjectName, loadX509, randomSerial, validity, type X509Module } from './x509.js';

export interface IssueOptions {
  commonName: string;
  /** Subject O; the Kubernetes API server reads it as the user's group (e.g. system:masters). */
  organization?: string;
  /** Host names and IP addresses the certificate is valid for: each a DNS SAN, IPs also IP SANs (as upstream). */
  hosts?: string[];
  /** Default 'ecdsa' (P-256): ~15x faster to make than RSA-2048, accepted by OpenSSL routers and Go TLS. */
  keyType?: KeyType;
  /** Default 5 years, as upstream. */
  validityDays?: number;
  /** Include clientAuth in extendedKeyUsage. Default true: upstream always sets both usages. */
  client?: boolean;
  /** Include serverAuth in extendedKeyUsage. Default true: upstream always sets both usages. */
  server?: boolean;
}

/** Issues a leaf certificate signed by `ca` (RSA or ECDSA key, PKCS#1, SEC1 or PKCS#8 PEM). */
export async function issueCertificate(ca: PemPair, opts: IssueOptions): Promise<PemPair> {
  const subjectDer = subjectName(opts.commonName, opts.organization);
  const usages = extendedKeyUsages(opts);
  assertUsableCA(ca);
  const [x509, generated, signer] = await Promise.all([
    loadX509(),
    generateKey(opts.keyType ?? 'ecdsa'),
    importSigningKey(ca.key),
  ]);
  const caCert = new x509.X509Certificate(ca.cert);
  const { KeyUsageFlags: KU } = x509;
  const subject = new x509.Name(subjectDer);
  const extensions: InstanceType<X509Module['Extension']>[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(KU.digitalSignature | KU.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await authorityKeyIdentifier(x509, caCert),
    await x509.SubjectKeyIdentifierExtension.create(generated.spki),
  ];
  const sans = subjectAltNames(opts.hosts ?? []);
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    // The CA's own encoded name, so issuer and CA subject match byte for byte whoever made the CA.
    issuer: caCert.subjectName,
    ...validity(opts.validityDays),
    publicKey: generated.spki,
    signingKey: signer.key,
    signingAlgorithm: signer.signingAlgorithm,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: generated.privateKeyPem };
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function extendedKeyUsages(opts: IssueOptions): string[] {
  const usages = [
    ...(opts.server === false ? [] : [SERVER_AUTH]),
    ...(opts.client === false ? [] : [CLIENT_AUTH]),
  ];
  if (usages.length === 0) throw new TypeError('a certificate must allow client or server use (or both)');
  return usages;
}

/** Fails early and clearly where a wrong CA would otherwise yield certificates that no peer accepts. */
function assertUsableCA(ca: PemPair): void {
  const cert = new X509Certificate(ca.cert);
  if (!cert.ca) throw new Error(`cannot issue certificates with ${cert.subject}: it is not a CA certificate`);
  if (!cert.checkPrivateKey(createPrivateKey(ca.key))) throw new Error('the CA certificate and key do not match');
}

/**
 * SAN entries for the hosts; blanks are skipped and duplicates dropped. Every host is a DNS SAN and an
 * IP is also an IP SAN, as upstream writes them: the router (Proton's OpenSSL peer check) matches the
 * host it dials only against DNS SANs and the CN, so an IP written only as an IP SAN is refused.
 */
function subjectAltNames(hosts: string[]): { type: 'ip' | 'dns'; value: string }[] {
  const unique = [...new Set(hosts.map((h) => h.trim()).filter((h) => h !== ''))];
  return [
    ...unique.map((value) => ({ type: 'dns' as const, value })),
    ...unique.filter((value) => isIP(value) !== 0).map((value) => ({ type: 'ip' as const, value })),
  ];
}

/** Reuses the CA's subjectKeyIdentifier when it has one (so chain builders match them); otherwise derives it from the CA key. */
async function authorityKeyIdentifier(x509: X509Module, caCert: InstanceType<X509Module['X509Certificate']>) {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski !== null) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}
