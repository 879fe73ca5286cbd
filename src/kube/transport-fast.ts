// The fast path: credentials for the kubeconfigs most people have (client certificates, bearer
// tokens, kubectl's tokenFile, exec credential plugins; a CA or none; insecure-skip-tls-verify,
// tls-server-name, as) without loading @kubernetes/client-node, whose configuration module pulls
// in undici and every authenticator at load and dominates a command's start-up.
// It produces what client-node would, field for field (test/kube/transport-differential.test.ts
// proves it over a corpus); anything it does not know exactly it declines, with the reason, and
// client-node handles it.
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { SkupperError } from '../errors.js';
import type { ResolvedKubeconfig } from './kubeconfig.js';
import type { AuthSource, Credentials, Headers, TlsMaterial } from './transport-auth.js';
import { ExecCredentials, type ExecConfig } from './transport-exec.js';

const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions', 'disable-compression']);
const USER_KEYS = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'exec', 'as', 'extensions']);
const EXEC_KEYS = new Set(['command', 'args', 'env', 'apiVersion', 'installHint', 'interactiveMode']);

/** checkTls() refuses TLS material that a request would fail on, naming its field (connect() calls it). */
export type FastPathResult = { source: AuthSource; checkTls: () => void } | { declined: string };

export function fastPath(resolved: ResolvedKubeconfig, env: Record<string, string | undefined>): FastPathResult {
  if (resolved.source !== 'files') return { declined: 'in-cluster service account' };
  const cluster = resolved.cluster.cluster;
  const user = resolved.user.user;
  const unknown =
    Object.keys(cluster).find((k) => !CLUSTER_KEYS.has(k)) ??
    Object.keys(user).find((k) => !USER_KEYS.has(k)) ??
    (isObject(user.exec) ? Object.keys(user.exec).map((k) => `exec.${k}`).find((k) => !EXEC_KEYS.has(k.slice(5))) : undefined);
  if (unknown) return { declined: `kubeconfig field "${unknown}"` };
  const server = String(cluster.server ?? '');
  if (!server.startsWith('https://')) return { declined: 'a server that is not https' };
  // client-node and kubectl disagree on which wins when both a file and inline data are given.
  if (cluster['certificate-authority'] && cluster['certificate-authority-data']) return { declined: 'both certificate-authority and certificate-authority-data' };
  if (user['client-certificate'] && user['client-certificate-data']) return { declined: 'both client-certificate and client-certificate-data' };
  if (user['client-key'] && user['client-key-data']) return { declined: 'both client-key and client-key-data' };
  if (user.exec !== undefined && user.exec !== null && (!isObject(user.exec) || typeof user.exec.command !== 'string')) return { declined: 'an exec plugin without a command' };

  // Files are read once, now, as client-node reads them when it loads the kubeconfig.
  const tls: TlsMaterial = {};
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  if (typeof cluster['tls-server-name'] === 'string' && cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
  const ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data']);
  if (ca) tls.ca = ca;
  const cert = fileOrData(user['client-certificate'], user['client-certificate-data']);
  if (cert) tls.cert = cert;
  const key = fileOrData(user['client-key'], user['client-key-data']);
  if (key) tls.key = key;
  const headers: Headers = {};
  if (typeof user.as === 'string' && user.as) headers['Impersonate-User'] = user.as;
  // kubectl's tokenFile (client-node reads only a "token-file" key, which this path declines).
  const token = typeof user.token === 'string' && user.token ? user.token : typeof user.tokenFile === 'string' && user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined;

  const exec = isObject(user.exec) ? new ExecCredentials(user.exec as ExecConfig, env) : undefined;
  const via = `fast path (${[cert ? 'client certificate' : '', exec ? 'exec plugin' : '', token ? 'bearer token' : ''].filter(Boolean).join(', ') || 'no credentials'})`;
  const fixed: Credentials = { tls, headers: token ? { ...headers, Authorization: `Bearer ${token}` } : headers };
  return {
    checkTls: () => checkTlsMaterial(tls, resolved.cluster.name, resolved.user.name),
    source: {
      server: server.replace(/\/$/, ''),
      via,
      async credentials(signal) {
        if (!exec) return fixed;
        const status = (await exec.get(signal)).status ?? {};
        const out: Credentials = { tls: { ...tls }, headers: { ...headers } };
        if (status.clientCertificateData) out.tls.cert = status.clientCertificateData;
        if (status.clientKeyData) out.tls.key = status.clientKeyData;
        if (status.token) out.headers.Authorization = `Bearer ${status.token}`;
        // A token in the kubeconfig wins over the plugin's, as in client-node.
        if (token) out.headers.Authorization = `Bearer ${token}`;
        return out;
      },
    },
  };
}

/**
 * Material that TLS would refuse at the first request, named by its field now: a bad client
 * certificate otherwise fails as a TLS error that reads like a CA problem.
 */
function checkTlsMaterial(tls: TlsMaterial, cluster: string, user: string): void {
  const tryContext = (options: SecureContextOptions, what: string) => {
    try {
      createSecureContext(options);
    } catch (err) {
      const reason = /no start line|no PEM|PEM/i.test((err as Error).message) ? 'it is not PEM (-----BEGIN ...)' : (err as Error).message;
      throw new SkupperError('CONFIG', `the kubeconfig's ${what} cannot be used: ${reason}: fix it, or get a fresh kubeconfig from your cluster admin`, { cause: err });
    }
  };
  // Node skips CA text that holds no certificate, and then trusts nothing; kubectl refuses it.
  if (tls.ca && !tls.ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SkupperError('CONFIG', `the kubeconfig's certificate-authority (-data) of cluster "${cluster}" cannot be used: it holds no PEM certificate (-----BEGIN CERTIFICATE-----): fix it, or get a fresh kubeconfig from your cluster admin`);
  }
  // One context for all of it (the cost of a start-up); field by field only to name what failed.
  try {
    createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
    return;
  } catch {
    // named below
  }
  if (tls.ca) tryContext({ ca: tls.ca }, `certificate-authority (-data) of cluster "${cluster}"`);
  if (tls.cert) tryContext({ cert: tls.cert }, `client-certificate (-data) of user "${user}"`);
  if (tls.key) tryContext({ key: tls.key }, `client-key (-data) of user "${user}"`);
  if (tls.cert && tls.key) tryContext({ cert: tls.cert, key: tls.key }, `client-certificate and client-key of user "${user}" (they are not a pair)`);
}

function fileOrData(file: unknown, data: unknown): string | undefined {
  if (typeof file === 'string' && file) return readFileSync(file, 'utf8');
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
