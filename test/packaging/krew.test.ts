// The release path as a user meets it: package the linux/amd64 single executable, validate the
// krew manifest with krew's own validator, install it with krew into an isolated KREW_ROOT, and run
// it through kubectl's plugin discovery with no Node on PATH, against the local cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { cluster } from '../support/cluster.js';
import { runIntoClosedPipe } from '../support/closed-pipe.js';
import { CLOSED_PIPE_EXIT_CODE } from '../../src/cli/closed-pipe.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = join(root, 'node_modules', 'node', 'bin', 'node');

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

test('package linux/amd64, validate the manifest, krew install it, and run it without Node', async () => {
  const c = await cluster();
  const work = mkdtempSync(join(tmpdir(), 'ks-krew-'));
  const env = { KUBECTL_SKUPPER_MANIFEST: join(work, 'skupper.yaml'), TEST_KUBECONFIG: c.kubeconfig };
  try {
    const pack = await run(node, ['scripts/package.mjs', '--targets', 'linux-amd64'], env);
    assert.is(pack.code, 0, pack.output);
    const krew = await run('bash', ['test/packaging/krew-install.sh'], env);
    assert.is(krew.code, 0, krew.output);
    for (const check of [
      /PASS.*validate-krew-manifest/,
      /PASS.*kubectl krew install --manifest=.* --archive=kubectl-skupper-linux-amd64\.tar\.gz/,
      /PASS.*kubectl skupper version/,
      /PASS.*kubectl skupper link status --kubeconfig/,
    ]) {
      assert.match(krew.output, check);
    }
    assert.not.match(krew.output, /FAIL/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the packaged executable loads client-node (a SEA asset) for kubeconfigs the fast path declines', async () => {
  const c = await cluster();
  const work = mkdtempSync(join(tmpdir(), 'ks-slow-'));
  try {
    // The test cluster's kubeconfig plus a field only client-node's path takes (as-user-extra).
    const config = parse(readFileSync(c.kubeconfig, 'utf8')) as { users: { user: Record<string, unknown> }[] };
    for (const u of config.users) u.user['as-user-extra'] = {};
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify(config));
    const exe = join(root, 'dist', 'kubectl-skupper-linux-amd64');
    const slow = await run(exe, ['link', 'status', '-n', 'west', '--kubeconfig', kubeconfig, '--context', 'west', '-v', '6'], { KUBECTL_SKUPPER_CODE_CACHE: 'report' });
    assert.is(slow.code, 0, slow.output);
    // Both the bundle and the asset start from the code caches trained at packaging time.
    assert.match(slow.output, /^code cache: accepted$/m);
    assert.match(slow.output, /^code cache of transport-client-node\.cjs: accepted$/m);
    assert.match(slow.output, /credentials via @kubernetes\/client-node \(kubeconfig field "as-user-extra"\)/);
    assert.match(slow.output, /GET https:\/\/127\.0\.0\.1:\d+\/apis\/skupper\.io\/v2alpha1\/namespaces\/west\/links\?limit=500 200 OK/);
    const denied = await run(exe, ['link', 'status', '-n', 'west', '--kubeconfig', kubeconfig, '--context', 'nobody'], {});
    assert.is(denied.code, 1);
    assert.match(denied.output, /403 Forbidden/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the packaged executable into a closed pipe ends quietly with 141, as the bundle does', async () => {
  const c = await cluster();
  const exe = join(root, 'dist', 'kubectl-skupper-linux-amd64');
  for (const args of [['version'], ['site', '--help'], ['link', 'status', '-n', 'west', '--kubeconfig', c.kubeconfig]]) {
    const result = await runIntoClosedPipe(exe, args, { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
    assert.is(result.stderr, '', args.join(' '));
    assert.is(result.code, CLOSED_PIPE_EXIT_CODE, args.join(' '));
  }
});

test.run();
