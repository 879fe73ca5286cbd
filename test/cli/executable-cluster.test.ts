// The built executable (bin/kubectl-skupper -> build/main.mjs, bundled) against the local cluster:
// bundling changes how dependencies load, so the commands that load them lazily run here for real.
// Spawned asynchronously: the router (and controller) stand-ins live in this process and must keep running.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';

const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));

function exe(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { PATH: '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

test('the bundled executable creates a site, generates a link and reads its status', async () => {
  const c = await cluster();
  const west = await freshNamespace('exe-west');
  const east = await freshNamespace('exe-east');
  await standIn(west);
  await standIn(east);
  const env = { KUBECONFIG: c.kubeconfig, HOME: '/nonexistent' };
  const created = await exe(['site', 'create', 'west', '--enable-link-access', '-n', west], env);
  assert.is(created.stdout, 'Site "west" is ready.\n', created.stderr);
  const gen = await exe(['link', 'generate', '-n', west], env);
  assert.is(gen.code, 0, gen.stderr);
  const kinds = parseAllDocuments(gen.stdout).map((d) => (d.toJS() as { kind: string }).kind);
  assert.equal(kinds, ['Secret', 'Link']);
  const status = await exe(['link', 'status', '-n', east], env);
  assert.is(status.code, 0, status.stderr);
  assert.is(status.stdout, `There are no link resources in namespace "${east}".\n`);
  const denied = await exe(['site', 'status', '--context', 'nobody'], env);
  assert.is(denied.code, 1);
  assert.match(denied.stderr, /403 Forbidden/);
});

test.after.each(stopStandIns);

test.run();
