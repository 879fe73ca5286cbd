// The fast path against @kubernetes/client-node, the authority on kubeconfig semantics: over a
// corpus of kubeconfigs (test/fixtures/kubeconfig/corpus/), both must give the same server, TLS
// material and headers; client-node reads each file with its own loader (loadFromFile). Exec
// plugins are real processes here, counted, so that credential caching and expiry are compared too.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { resolveKubeconfig } from '../../src/kube/kubeconfig.js';
import type { Credentials } from '../../src/kube/transport-auth.js';
import { clientNodeSource } from '../../src/kube/transport-client-node.js';
import { fastPath } from '../../src/kube/transport-fast.js';

const corpus = fileURLToPath(new URL('../fixtures/kubeconfig/corpus/', import.meta.url));
const yamlFiles = readdirSync(corpus).filter((f) => f.endsWith('.yaml')).sort();
const signal = new AbortController().signal;

interface Seen {
  server: string;
  tls: Record<string, unknown>;
  headers: Record<string, unknown>;
}

function resolved(file: string) {
  return resolveKubeconfig({ kubeconfig: file, env: {}, homeDir: '/nonexistent' }, parse);
}

async function fast(file: string, env: Record<string, string | undefined> = process.env) {
  const result = fastPath(resolved(file), env);
  if (!('source' in result)) throw new Error(`${file}: the fast path declined (${result.declined})`);
  return result.source;
}

function seenFast(server: string, c: Credentials): Seen {
  return { server, tls: { ...c.tls }, headers: { ...c.headers } };
}

/** client-node on its own: its loader, its option mapping. */
async function clientNode(file: string) {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return {
    async seen(): Promise<Seen> {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const tls: Record<string, unknown> = {};
      for (const key of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'] as const) {
        const value = opts[key];
        if (value !== undefined) tls[key] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
      }
      return { server: kc.getCurrentCluster()!.server, tls, headers: { ...(opts.headers ?? {}) } };
    },
  };
}

for (const name of yamlFiles.filter((f) => f.startsWith('fast-'))) {
  test(`corpus ${name}: the fast path gives what client-node gives`, async () => {
    const file = join(corpus, name);
    const source = await fast(file);
    const ours = seenFast(source.server, await source.credentials(signal));
    const theirs = await (await clientNode(file)).seen();
    assert.equal(ours, theirs);
    assert.ok(source.via.startsWith('fast path'), source.via);
  });
}

for (const name of yamlFiles.filter((f) => f.startsWith('slow-'))) {
  test(`corpus ${name}: the fast path declines, client-node handles it`, () => {
    const result = fastPath(resolved(join(corpus, name)), {});
    assert.ok('declined' in result, `${name} must go through client-node`);
  });
}

test('corpus slow-proxy: through client-node, with its proxy agent and the same headers', async () => {
  const file = join(corpus, 'slow-proxy.yaml');
  const source = await clientNodeSource(resolved(file), 'proxy', (m) => new Error(m));
  const c = await source.credentials(signal);
  assert.ok(c.agent, 'the proxy agent is used');
  assert.equal({ server: source.server, tls: c.tls, headers: c.headers }, await (await clientNode(file)).seen());
});

test('corpus slow-basic: basic auth through client-node becomes an Authorization header', async () => {
  const source = await clientNodeSource(resolved(join(corpus, 'slow-basic.yaml')), 'basic', (m) => new Error(m));
  const c = await source.credentials(signal);
  assert.is(c.headers.Authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
});

test("corpus kubectl-token-file: kubectl's tokenFile is honoured (client-node ignores that key)", async () => {
  const file = join(corpus, 'kubectl-token-file.yaml');
  const source = await fast(file);
  const c = await source.credentials(signal);
  assert.is(c.headers.Authorization, 'Bearer corpus-file-token');
  // The one deliberate difference: client-node reads only "token-file", so it sends no token.
  const theirs = await (await clientNode(file)).seen();
  assert.is(theirs.headers.Authorization, undefined);
  assert.equal({ ...seenFast(source.server, c), headers: {} }, theirs);
});

// Exec plugins: a shell script that counts its runs and prints the ExecCredential it is given.
function execCorpus(status: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'ks-exec-'));
  const count = join(dir, 'count');
  const out = join(dir, 'credential.json');
  writeFileSync(count, '');
  writeFileSync(out, JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://api.example:6443', 'certificate-authority': join(corpus, 'pki', 'ca.crt') } }],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: 'sh',
              args: ['-c', 'echo run >> "$COUNT_FILE"; cat "$CREDENTIAL_FILE"'],
              env: [
                { name: 'COUNT_FILE', value: count },
                { name: 'CREDENTIAL_FILE', value: out },
              ],
            },
          },
        },
      ],
    }),
  );
  return {
    kubeconfig,
    runs: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length,
    reset: () => writeFileSync(count, ''),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const cert = readFileSync(join(corpus, 'pki', 'client.crt'), 'utf8');
const key = readFileSync(join(corpus, 'pki', 'client.key'), 'utf8');
const execCases: [string, Record<string, unknown>, number][] = [
  ['a token without expiry is cached', { token: 'exec-token' }, 1],
  ['a token that has not expired is cached', { token: 'exec-token', expirationTimestamp: '2999-01-01T00:00:00Z' }, 1],
  ['an expired token makes the plugin run again', { token: 'exec-token', expirationTimestamp: '2000-01-01T00:00:00Z' }, 3],
  ['a client certificate from the plugin is TLS material', { clientCertificateData: cert, clientKeyData: key }, 1],
];

for (const [title, status, expectedRuns] of execCases) {
  test(`exec plugin: ${title}, as client-node does`, async () => {
    const e = execCorpus(status);
    try {
      const source = await fast(e.kubeconfig);
      const ours: Seen[] = [];
      for (let i = 0; i < 3; i++) ours.push(seenFast(source.server, await source.credentials(signal)));
      const ourRuns = e.runs();
      e.reset();
      const kc = await clientNode(e.kubeconfig);
      const theirs: Seen[] = [];
      for (let i = 0; i < 3; i++) theirs.push(await kc.seen());
      assert.equal(ours, theirs);
      assert.is(ourRuns, expectedRuns);
      assert.is(e.runs(), expectedRuns);
    } finally {
      e.remove();
    }
  });
}

test('exec plugin: a plugin that hangs is killed when the request runs out of time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-exec-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://api.example:6443' } }],
      users: [{ name: 'u', user: { exec: { command: 'sh', args: ['-c', `echo $$ > ${join(dir, 'pid')}; exec sleep 30`] } } }],
    }));
    const source = await fast(kubeconfig);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('time is up')), 300);
    const err = await source.credentials(controller.signal).then(() => undefined, (e: Error) => e);
    assert.is(err?.message, 'time is up');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the plugin is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
