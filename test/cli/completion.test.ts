// Shell completion: the scripts, the __complete protocol, and kubectl's plugin completion hook.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINKS, SITES } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace } from '../support/cluster.js';
import { withoutCurrentContext } from '../support/kubeconfig.js';
import { plugin } from '../support/plugin.js';

const bin = fileURLToPath(new URL('../../bin', import.meta.url));

async function candidates(...line: string[]): Promise<{ words: string[]; directive: string }> {
  const res = await plugin(['__complete', ...line]);
  assert.is(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  return { words: lines.slice(0, -1), directive: lines.at(-1)! };
}

test('completes groups, verbs and flags of the matched command', async () => {
  assert.equal((await candidates('')).words, ['completion', 'connector', 'doctor', 'grant-server', 'link', 'listener', 'network', 'service', 'site', 'token', 'version']);
  assert.equal((await candidates('service', '')).words, ['expose']);
  assert.equal((await candidates('service', 'expose', 'deployment/x', '-o', '')).words, ['json', 'name', 'yaml']);
  assert.ok((await candidates('service', 'expose', '--')).words.includes('--target-port'));
  assert.equal((await candidates('network', 'status', '-o', '')).words, ['dot', 'json', 'mermaid', 'table', 'yaml']);
  assert.equal((await candidates('site', '')).words, ['create', 'delete', 'generate', 'status', 'update']);
  assert.equal((await candidates('site', 'create', '--enable')).words, ['--enable-ha', '--enable-link-access']);
  assert.ok((await candidates('link', 'generate', '--')).words.includes('--output-file'));
  assert.equal((await candidates('')).directive, ':4');
});

test('completes fixed flag values, and leaves file flags to the shell', async () => {
  assert.equal((await candidates('link', 'status', '-o', '')).words, ['custom-columns=', 'json', 'jsonpath=', 'name', 'wide', 'yaml']);
  assert.equal((await candidates('link', 'generate', '-o', '')).words, ['json', 'yaml']);
  assert.ok((await candidates('site', 'create', 'x', '--link-access-type', 'ing')).words.includes('ingress-nginx'));
  assert.equal((await candidates('site', 'update', '--wait', '')).words, ['configured', 'none', 'ready']);
  const file = await candidates('link', 'generate', '--output-file', '');
  assert.equal(file, { words: [], directive: ':0' });
});

test('completes contexts from the kubeconfig and link names from the cluster', async () => {
  const c = await cluster();
  assert.equal((await candidates('site', 'status', '--kubeconfig', c.kubeconfig, '--context', '')).words, ['east', 'nobody', 'west']);
  // A kubeconfig without a current context: its contexts are what the person must choose from.
  assert.equal((await candidates('site', 'status', '--kubeconfig', withoutCurrentContext(c.kubeconfig), '--context', '')).words, ['east', 'nobody', 'west']);
  assert.equal((await candidates('link', 'sites', '--kubeconfig', c.kubeconfig, '--to', 'e')).words, ['east']);
  const ns = await freshNamespace('complete');
  const client = await adminClient(ns);
  for (const name of ['to-west', 'to-north']) {
    await client.create(LINKS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '1' }], tlsCredentials: 'x', cost: 1 } });
  }
  assert.equal((await candidates('link', 'delete', '--kubeconfig', c.kubeconfig, '-n', ns, 'to-')).words, ['to-north', 'to-west']);
  await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'here' }, spec: {} });
  assert.equal((await candidates('doctor', '--kubeconfig', c.kubeconfig, '-n', ns, '')).words, ['here']);
  // An unreachable cluster completes nothing, silently.
  const res = await plugin(['__complete', 'link', 'delete', '--kubeconfig', '/nonexistent', '']);
  assert.is(res.stdout, ':4\n');
  assert.is(res.stderr, '');
});

test('completion prints scripts for bash, zsh and fish, and refuses other shells', async () => {
  assert.match((await plugin(['completion', 'bash'])).stdout, 'complete -o default -F _kubectl_skupper kubectl-skupper');
  assert.match((await plugin(['completion', 'zsh'])).stdout, '#compdef kubectl-skupper');
  assert.match((await plugin(['completion', 'fish'])).stdout, 'complete -c kubectl-skupper');
  const bad = await plugin(['completion', 'tcsh']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, 'unsupported shell "tcsh"');
  assert.not.match((await plugin(['--help'])).stdout, '__complete');
});

test('kubectl completes "kubectl skupper" through kubectl_complete-skupper', () => {
  const res = spawnSync('kubectl', ['__complete', 'skupper', 'site', ''], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: '/nonexistent' }, encoding: 'utf8' });
  assert.is(res.status, 0, res.stderr);
  assert.match(res.stdout, /^create\ndelete\ngenerate\nstatus\nupdate\n:4\n/);
});

test.run();
