// kubectl's client flags over a kubeconfig, as client-go's clientcmd applies them (pure: no cluster).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { resolveKubeconfig, type KubeconfigOverrides } from '../../src/kube/kubeconfig.js';
import { fastPath } from '../../src/kube/transport-fast.js';

const corpus = fileURLToPath(new URL('../fixtures/kubeconfig/corpus/', import.meta.url));
const signal = new AbortController().signal;

function resolve(file: string, overrides: KubeconfigOverrides) {
  const r = resolveKubeconfig({ kubeconfig: join(corpus, file), env: {}, homeDir: '/nonexistent', overrides }, parse);
  if (r.source !== 'files') throw new Error('expected files');
  return r;
}

test('--server replaces the cluster address; the rest of the cluster entry stays', () => {
  const r = resolve('fast-cert-data.yaml', { server: 'https://other.example:6000' });
  assert.is(r.server, 'https://other.example:6000');
  assert.ok(r.cluster.cluster['certificate-authority-data']);
});

test('--certificate-authority replaces the CA data and turns verification back on', () => {
  const r = resolve('fast-insecure.yaml', { certificateAuthority: join(corpus, 'pki', 'ca.crt') });
  assert.is(r.cluster.cluster['certificate-authority'], join(corpus, 'pki', 'ca.crt'));
  assert.is(r.cluster.cluster['insecure-skip-tls-verify'], undefined);
});

test('--insecure-skip-tls-verify drops the CA', async () => {
  const r = resolve('fast-cert-data.yaml', { insecureSkipTlsVerify: true });
  assert.is(r.cluster.cluster['certificate-authority-data'], undefined);
  const fast = fastPath(r, {});
  assert.ok('source' in fast);
  if ('source' in fast) assert.equal((await fast.source.credentials(signal)).tls.rejectUnauthorized, false);
});

test('--token replaces the exec plugin and token file, keeps the client certificate; --as impersonates', async () => {
  const r = resolve('kubectl-token-file.yaml', { token: 'flag-token', as: 'jane' });
  assert.is(r.user.user.tokenFile, undefined);
  const fast = fastPath(r, {});
  if (!('source' in fast)) return assert.unreachable(fast.declined);
  const c = await fast.source.credentials(signal);
  assert.is(c.headers.Authorization, 'Bearer flag-token');
  assert.is(c.headers['Impersonate-User'], 'jane');
  const withCert = resolve('fast-cert-files.yaml', { token: 'flag-token' });
  assert.ok(withCert.user.user['client-certificate']);
});

test('--user and --cluster choose other entries of the kubeconfig', () => {
  const r = resolveKubeconfig({ kubeconfig: fileURLToPath(new URL('../fixtures/kubeconfig/a.yaml', import.meta.url)), env: {}, homeDir: '/nonexistent' }, parse);
  if (r.source !== 'files') throw new Error('expected files');
  const users = r.config.users.map((u) => u.name);
  const clusters = r.config.clusters.map((c) => c.name);
  const other = resolveKubeconfig({
    kubeconfig: fileURLToPath(new URL('../fixtures/kubeconfig/a.yaml', import.meta.url)),
    env: {},
    homeDir: '/nonexistent',
    overrides: { user: users[users.length - 1], cluster: clusters[clusters.length - 1] },
  }, parse);
  if (other.source !== 'files') throw new Error('expected files');
  assert.is(other.user.name, users[users.length - 1]);
  assert.is(other.cluster.name, clusters[clusters.length - 1]);
});

test('--server alone, without any kubeconfig file, is enough to connect', () => {
  const r = resolveKubeconfig({ env: {}, homeDir: '/nonexistent', serviceAccountDir: '/nonexistent', overrides: { server: 'https://api.example:6443', token: 't' } }, parse);
  assert.is(r.server, 'https://api.example:6443');
  assert.is(r.namespace, 'default');
});

test.run();
