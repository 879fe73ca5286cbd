// Link credentials: a client certificate signed by the issuing site's CA, packed as the
// kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) that a Link names in spec.tlsCredentials.
// Made locally, so nothing is created in the issuing cluster. Shared by link generate and token redeem.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { SECRETS, type Secret, type Site } from '../kube/resources.js';
import { secretText, secretValue } from '../kube/secret-data.js';
import type { PemPair } from '../certs/pem.js';

export const DEFAULT_ISSUER = 'skupper-site-ca';
/** Marks Secrets the plugin made, so link delete removes only its own. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubectl-skupper' } as const;

/** The CA that signs link credentials, as the controller chooses it. */
export function issuerOf(site: Site): string {
  return site.status?.defaultIssuer || site.spec.defaultIssuer || DEFAULT_ISSUER;
}

export async function readIssuer(client: KubeClient, site: Site): Promise<PemPair> {
  const name = issuerOf(site);
  const namespace = site.metadata.namespace ?? client.namespace;
  const secret = await client.find(SECRETS, name, namespace);
  if (!secret) {
    throw new SkupperError('NOT_READY', `the CA Secret "${name}" of site "${site.metadata.name}" does not exist yet: check that the Skupper controller is running in namespace "${namespace}"`);
  }
  const cert = secretText(secret, 'tls.crt');
  const key = secretText(secret, 'tls.key');
  if (!cert || !key) throw new SkupperError('NOT_READY', `the CA Secret "${name}" lacks tls.crt or tls.key: it cannot sign link credentials`);
  return { cert, key };
}

/**
 * A fresh client certificate for one link. ECDSA P-256: ~10x faster to make than RSA-2048, and
 * the router (OpenSSL) accepts it; the site CA may stay RSA.
 */
export async function linkCredentials(ca: PemPair, secretName: string, commonName: string): Promise<Secret> {
  const { issueCertificate } = await import('../certs/issue.js');
  const pair = await issueCertificate(ca, { commonName, keyType: 'ecdsa' });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, labels: { ...MANAGED_BY } },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': secretValue(ca.cert), 'tls.crt': secretValue(pair.cert), 'tls.key': secretValue(pair.key) },
  };
}

