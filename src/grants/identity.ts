// The grant server's own TLS identity: a CA (its certificate goes into every token as spec.ca) and
// a server certificate for the URL's host, kept in one Secret so that tokens stay trusted across
// restarts. Made if missing; the server certificate is re-made from the same CA when the host changes.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { KubeClient } from '../kube/client.js';
import { SECRETS, type Secret } from '../kube/resources.js';
import { secretText, secretValue } from '../kube/secret-data.js';
import type { PemPair } from '../certs/pem.js';

export const IDENTITY_SECRET = 'kubectl-skupper-grant-server';

export interface ServerIdentity {
  ca: string;
  cert: string;
  key: string;
}

export async function ensureIdentity(client: KubeClient, namespace: string, host: string): Promise<ServerIdentity> {
  const { createCA, issueCertificate } = await import('../certs/index.js');
  const existing = await client.find(SECRETS, IDENTITY_SECRET, namespace);
  let ca: PemPair = { cert: secretText(existing, 'ca.crt'), key: secretText(existing, 'ca.key') };
  const server: PemPair = { cert: secretText(existing, 'tls.crt'), key: secretText(existing, 'tls.key') };
  if (ca.cert && ca.key && server.cert && server.key && covers(server.cert, host)) return { ca: ca.cert, ...server };
  const freshCa = !ca.cert || !ca.key;
  if (freshCa) ca = await createCA('kubectl-skupper grant server CA', { keyType: 'ecdsa' });
  const issued = await issueCertificate(ca, { commonName: host, hosts: [host], server: true, client: false, keyType: 'ecdsa' });
  const data = { 'ca.crt': secretValue(ca.cert), 'ca.key': secretValue(ca.key), 'tls.crt': secretValue(issued.cert), 'tls.key': secretValue(issued.key) };
  if (existing) {
    // With the resourceVersion we read: a second server starting at once fails here instead of replacing the CA.
    await client.patch(SECRETS, IDENTITY_SECRET, { metadata: { resourceVersion: existing.metadata.resourceVersion }, data }, namespace);
  } else {
    const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: IDENTITY_SECRET, labels: { 'app.kubernetes.io/managed-by': 'kubectl-skupper' } }, type: 'Opaque', data };
    await client.create(SECRETS, secret, namespace);
  }
  return { ca: ca.cert, cert: issued.cert, key: issued.key };
}

function covers(certPem: string, host: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (isIP(host) ? cert.checkIP(host) : cert.checkHost(host)) !== undefined && cert.validToDate.getTime() > Date.now() + 86400_000;
  } catch {
    return false;
  }
}
