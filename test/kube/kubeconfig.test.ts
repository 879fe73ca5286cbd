import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SkupperError } from '../../src/errors.js';
import { parse } from 'yaml';
import { loadKubeconfig, resolveKubeconfig, type KubeconfigInputs, type ResolvedKubeconfig } from '../../src/kube/kubeconfig.js';

const fixtures = fileURLToPath(new URL('../fixtures/kubeconfig/', import.meta.url));
const fixture = (...parts: string[]) => join(fixtures, ...parts);
const A = fixture('a.yaml');
const B = fixture('b.yaml');
const NO_CURRENT = fixture('no-current.yaml');
const NESTED = fixture('nested', 'relative.yaml');
const INVALID = fixture('invalid.yaml');
const HOME = fixture('home');
const EMPTY_HOME = fixture('empty-home');
/** A service-account folder that does not exist, so no test falls back to this machine's. */
const NO_SERVICE_ACCOUNT = fixture('no-such-serviceaccount');

function resolve(inputs: Partial<KubeconfigInputs>): ResolvedKubeconfig {
  return resolveKubeconfig({ env: {}, homeDir: EMPTY_HOME, serviceAccountDir: NO_SERVICE_ACCOUNT, ...inputs }, parse);
}

function files(inputs: Partial<KubeconfigInputs>) {
  const result = resolve(inputs);
  if (result.source !== 'files') throw new Error(`expected a kubeconfig from files, got ${result.source}`);
  return result;
}

/** Runs fn, which must throw a SkupperError; returns it. */
function throwsSkupper(fn: () => unknown): SkupperError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, SkupperError);
    return err as SkupperError;
  }
  assert.unreachable('expected a SkupperError');
  throw new Error('unreachable');
}

function withServiceAccount(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-sa-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--kubeconfig is used alone and wins over KUBECONFIG and ~/.kube/config', () => {
  const r = files({ kubeconfig: B, env: { KUBECONFIG: A }, homeDir: HOME });
  assert.equal(r.files, [B]);
  assert.is(r.contextName, 'beta');
  assert.is(r.server, 'https://b.example:6443');
  // Nothing from a.yaml leaks in.
  assert.not.ok(r.config.contexts.some((c) => c.name === 'alpha'));
});

test('KUBECONFIG wins over ~/.kube/config', () => {
  const r = files({ env: { KUBECONFIG: A }, homeDir: HOME });
  assert.equal(r.files, [A]);
  assert.is(r.contextName, 'alpha');
  assert.is(r.server, 'https://a.example:6443');
});

test('KUBECONFIG with several files merges them; the first file to define a name wins', () => {
  const r = files({ env: { KUBECONFIG: [A, B].join(':') } });
  assert.equal(r.files, [A, B]);
  assert.equal(r.config.contexts.map((c) => c.name).sort(), ['alpha', 'beta', 'shared']);
  assert.equal(r.config.clusters.map((c) => c.name).sort(), ['alpha', 'beta', 'shared']);
  assert.equal(r.config.users.map((u) => u.name).sort(), ['alpha-admin', 'beta-user', 'shared-user']);
  assert.is(r.config.clusters.find((c) => c.name === 'shared')?.cluster.server, 'https://shared-from-a.example:6443');
  assert.is(r.config.users.find((u) => u.name === 'shared-user')?.user.token, 'from-a');
  // a.yaml's "shared" context (cluster shared, no namespace), not b.yaml's (cluster beta, namespace from-b).
  const shared = files({ env: { KUBECONFIG: [A, B].join(':') }, context: 'shared' });
  assert.is(shared.server, 'https://shared-from-a.example:6443');
  assert.is(shared.namespace, 'default');
});

test('KUBECONFIG merge in the other order lets b.yaml win', () => {
  const r = files({ env: { KUBECONFIG: [B, A].join(':') }, context: 'shared' });
  assert.is(r.server, 'https://b.example:6443');
  assert.is(r.namespace, 'from-b');
  assert.is(r.config.users.find((u) => u.name === 'shared-user')?.user.token, 'from-b');
});

test('current-context comes from the first file that sets one', () => {
  assert.is(files({ env: { KUBECONFIG: [A, B].join(':') } }).contextName, 'alpha');
  assert.is(files({ env: { KUBECONFIG: [B, A].join(':') } }).contextName, 'beta');
  // no-current.yaml sets none, so b.yaml's counts even though it comes second.
  const r = files({ env: { KUBECONFIG: [NO_CURRENT, B].join(':') } });
  assert.is(r.contextName, 'beta');
  assert.is(r.config['current-context'], 'beta');
  assert.is(r.server, 'https://b.example:6443');
});

test('KUBECONFIG entries that do not exist are skipped, as are empty ones', () => {
  const r = files({ env: { KUBECONFIG: [fixture('missing-1.yaml'), '', B, fixture('missing-2.yaml')].join(':') }, homeDir: HOME });
  assert.equal(r.files, [B]);
  assert.is(r.contextName, 'beta');
});

test('KUBECONFIG naming only missing files fails; it never falls back to ~/.kube/config', () => {
  try {
    resolve({ env: { KUBECONFIG: '/missing.yaml' }, homeDir: HOME });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, SkupperError);
    assert.is((err as SkupperError).code, 'CONFIG');
    assert.match((err as SkupperError).message, 'none of the files in KUBECONFIG exist (/missing.yaml)');
  }
});

test('~/.kube/config is used when neither --kubeconfig nor KUBECONFIG is set', () => {
  const r = files({ homeDir: HOME });
  assert.equal(r.files, [fixture('home', '.kube', 'config')]);
  assert.is(r.contextName, 'home');
  assert.is(r.server, 'https://home.example:6443');
  assert.is(r.namespace, 'home-ns');
});

test('--context selects another context of the merged config', () => {
  const r = files({ env: { KUBECONFIG: [A, B].join(':') }, context: 'beta' });
  assert.is(r.contextName, 'beta');
  assert.is(r.server, 'https://b.example:6443');
  // The config handed to the Kubernetes client uses the chosen context.
  assert.is(r.config['current-context'], 'beta');
});

test('an unknown --context throws CONFIG and lists the contexts there are', () => {
  const err = throwsSkupper(() => resolve({ env: { KUBECONFIG: [A, B].join(':') }, context: 'nope' }));
  assert.is(err.code, 'CONFIG');
  assert.match(err.message, '"nope"');
  assert.match(err.message, 'alpha, beta, shared');
  assert.is(err.exitCode, 1);
});

test('no current-context and no --context throws CONFIG naming the contexts', () => {
  const err = throwsSkupper(() => resolve({ kubeconfig: NO_CURRENT }));
  assert.is(err.code, 'CONFIG');
  assert.match(err.message, '--context');
  assert.match(err.message, 'gamma');
  // With --context it works.
  assert.is(files({ kubeconfig: NO_CURRENT, context: 'gamma' }).server, 'https://c.example:6443');
});

test('namespace: the -n flag, then the context, then "default"', () => {
  assert.is(files({ kubeconfig: A, namespace: 'flag-ns' }).namespace, 'flag-ns');
  assert.is(files({ kubeconfig: A }).namespace, 'alpha-ns');
  assert.is(files({ kubeconfig: B }).namespace, 'default');
  assert.is(files({ kubeconfig: B, namespace: 'flag-ns' }).namespace, 'flag-ns');
});

test('relative certificate and key paths become absolute, relative to the file that holds them', () => {
  const r = files({ env: { KUBECONFIG: [A, B].join(':') } });
  const cluster = (name: string) => r.config.clusters.find((c) => c.name === name)!.cluster;
  const user = (name: string) => r.config.users.find((u) => u.name === name)!.user;
  assert.is(cluster('alpha')['certificate-authority'], fixture('certs', 'alpha-ca.crt'));
  assert.is(user('alpha-admin')['client-certificate'], fixture('certs', 'alpha.crt'));
  assert.is(user('alpha-admin')['client-key'], fixture('certs', 'alpha.key'));
  assert.is(user('beta-user').tokenFile, fixture('tokens', 'beta'));
  // Absolute paths stay as they are.
  assert.is(cluster('beta')['certificate-authority'], '/etc/ssl/beta-ca.crt');
});

test('relative paths in a file in a subfolder resolve against that subfolder, not the working directory', () => {
  const r = files({ kubeconfig: NESTED });
  const cluster = r.config.clusters[0]!.cluster;
  const user = r.config.users[0]!.user;
  assert.is(cluster['certificate-authority'], fixture('certs', 'nested-ca.crt'));
  assert.is(user['client-certificate'], fixture('nested', 'client.crt'));
  assert.is(user['client-key'], fixture('nested', 'keys', 'client.key'));
  assert.is(user.tokenFile, fixture('nested', 'token'));
});

test('a --kubeconfig file that does not exist throws CONFIG naming it, even when others exist', () => {
  const missing = fixture('does-not-exist.yaml');
  const err = throwsSkupper(() => resolve({ kubeconfig: missing, env: { KUBECONFIG: A }, homeDir: HOME }));
  assert.is(err.code, 'CONFIG');
  assert.match(err.message, missing);
});

test('no kubeconfig anywhere and not in a cluster throws CONFIG mentioning --kubeconfig and KUBECONFIG', () => {
  const err = throwsSkupper(() => resolve({ env: {}, homeDir: EMPTY_HOME }));
  assert.is(err.code, 'CONFIG');
  assert.match(err.message, '--kubeconfig');
  assert.match(err.message, 'KUBECONFIG');
  assert.not.match(err.message, '\n');
  // KUBECONFIG naming only missing files counts as nothing.
  const err2 = throwsSkupper(() => resolve({ env: { KUBECONFIG: fixture('missing.yaml') }, homeDir: EMPTY_HOME }));
  assert.is(err2.code, 'CONFIG');
});

test('KUBERNETES_SERVICE_HOST without a service-account token is not in-cluster', () => {
  withServiceAccount({ namespace: 'ns' }, (dir) => {
    const err = throwsSkupper(() => resolve({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir }));
    assert.is(err.code, 'CONFIG');
  });
});

test('in-cluster: service host and port, namespace from the service account; -n still wins', () => {
  withServiceAccount({ token: 'sa-token', namespace: 'sa-ns\n' }, (dir) => {
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '8443' };
    const r = resolve({ env, serviceAccountDir: dir });
    assert.equal(r, { source: 'in-cluster', server: 'https://10.96.0.1:8443', namespace: 'sa-ns' });
    assert.is(resolve({ env, serviceAccountDir: dir, namespace: 'flag-ns' }).namespace, 'flag-ns');
  });
});

test('in-cluster: an IPv6 service host is bracketed; no namespace file means "default"', () => {
  withServiceAccount({ token: 'sa-token' }, (dir) => {
    const r = resolve({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir });
    assert.is(r.source, 'in-cluster');
    assert.is(r.server, 'https://[fd00::1]:443');
    assert.is(r.namespace, 'default');
  });
});

test('a kubeconfig file wins over the in-cluster service account', () => {
  withServiceAccount({ token: 'sa-token', namespace: 'sa-ns' }, (dir) => {
    const r = resolve({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir, homeDir: HOME });
    assert.is(r.source, 'files');
    assert.is(r.server, 'https://home.example:6443');
  });
});

test('invalid YAML throws CONFIG naming the file, on one line', () => {
  const err = throwsSkupper(() => resolve({ kubeconfig: INVALID }));
  assert.is(err.code, 'CONFIG');
  assert.match(err.message, INVALID);
  assert.match(err.message, 'YAML');
  assert.not.match(err.message, '\n');
  // The same inside a KUBECONFIG list.
  const err2 = throwsSkupper(() => resolve({ env: { KUBECONFIG: [A, INVALID].join(':') } }));
  assert.is(err2.code, 'CONFIG');
  assert.match(err2.message, INVALID);
});

test('loadKubeconfig resolves as resolveKubeconfig does with yaml, whether the reader declines or not', async () => {
  const corpusFile = fixture('corpus', 'fast-token-ca.yaml'); // flow mappings: left to yaml
  for (const inputs of [{ kubeconfig: A }, { kubeconfig: corpusFile }, { env: { KUBECONFIG: [A, corpusFile, B].join(':') } }, { homeDir: HOME }]) {
    const full = { env: {}, homeDir: EMPTY_HOME, serviceAccountDir: NO_SERVICE_ACCOUNT, ...inputs };
    assert.equal(await loadKubeconfig(full), resolve(inputs));
  }
});

test('loadKubeconfig words invalid YAML exactly as yaml does', async () => {
  for (const inputs of [{ kubeconfig: INVALID }, { env: { KUBECONFIG: [A, INVALID].join(':') } }]) {
    const expected = throwsSkupper(() => resolve(inputs));
    let actual: unknown;
    try {
      await loadKubeconfig({ env: {}, homeDir: EMPTY_HOME, serviceAccountDir: NO_SERVICE_ACCOUNT, ...inputs });
    } catch (err) {
      actual = err;
    }
    assert.instance(actual, SkupperError);
    assert.is((actual as SkupperError).message, expected.message);
    assert.is((actual as SkupperError).code, 'CONFIG');
  }
});

test.run();
