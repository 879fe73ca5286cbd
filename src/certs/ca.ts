import { generateKey, importSigningKey } from './keys.js';
import type { KeyType, PemPair } from './pem.js';
import { subjectName, loadX509, randomSerial, validity } from './x509.js';

export interface CreateCAOptions {
  /** Default 'rsa': upstream's controller only reads PKCS#1 RSA CA keys, so a stand-in CA should match. */
  keyType?: KeyType;
  /** Default 5 years, as upstream. */
  validityDays?: number;
}

/** Creates a self-signed CA certificate and key, in the shape upstream Skupper's site CAs have. */
export async function createCA(commonName: string, opts: CreateCAOptions = {}): Promise<PemPair> {
  const subjectDer = subjectName(commonName);
  const [x509, generated] = await Promise.all([loadX509(), generateKey(opts.keyType ?? 'rsa')]);
  const signer = await importSigningKey(generated.privateKeyPem);
  const { KeyUsageFlags: KU } = x509;
  const subject = new x509.Name(subjectDer);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: subject,
    ...validity(opts.validityDays),
    publicKey: generated.spki,
    signingKey: signer.key,
    signingAlgorithm: signer.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(KU.keyCertSign | KU.cRLSign | KU.digitalSignature, true),
      // Leaf certificates point back at this identifier through their authorityKeyIdentifier.
      await x509.SubjectKeyIdentifierExtension.create(generated.spki),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: generated.privateKeyPem };
}
