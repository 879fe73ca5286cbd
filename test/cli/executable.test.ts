// The installed form: bin/kubectl-skupper runs the bundle in build/ (made by `npm run build`, which
// the test script runs first) on the project's own Node 24, found directly or by kubectl.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'kubectl-skupper');
const binDir = join(root, 'bin');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
/** No Node on this PATH: /usr/bin and /bin hold at most an older one, so Node 24 must come from node_modules. */
const SYSTEM_PATH = '/usr/bin:/bin';

function run(command: string, args: string[], path: string) {
  const r = spawnSync(command, args, { cwd: tmpdir(), env: { PATH: path, HOME: '/nonexistent' }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the bundle exists (run "npm run build" first)', () => {
  assert.ok(existsSync(join(root, 'build', 'main.mjs')), 'build/main.mjs is missing: run "npm run build"');
});

test('bin/kubectl-skupper version runs on Node 24 with only the system PATH', () => {
  const r = run(bin, ['version'], SYSTEM_PATH);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, `kubectl-skupper ${pkg.version} `);
  assert.match(r.stdout, /node v24\./);
});

test('bin/kubectl-skupper version -o json reports Node 24', () => {
  const r = run(bin, ['version', '-o', 'json'], SYSTEM_PATH);
  assert.is(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { version: string; node: string };
  assert.is(info.version, pkg.version);
  assert.match(info.node, /^v24\./);
});

test('bin/kubectl-skupper: a usage error exits 2 with one line on stderr and nothing on stdout', () => {
  const r = run(bin, ['site', 'foo'], SYSTEM_PATH);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, 'site foo');
});

test('kubectl finds the plugin on PATH: "kubectl skupper version"', () => {
  const r = run('/usr/bin/kubectl', ['skupper', 'version'], `${binDir}:${SYSTEM_PATH}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `kubectl-skupper ${pkg.version} `);
  assert.match(r.stdout, /node v24\./);
});

test('through kubectl the usage says "kubectl skupper"', () => {
  const r = run('/usr/bin/kubectl', ['skupper', 'site', 'create', '--help'], `${binDir}:${SYSTEM_PATH}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'kubectl skupper site create');
  assert.not.match(r.stdout, 'kubectl-skupper site');
});

test('kubectl finds the plugin through a symlink in another folder (as krew installs it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-skupper-path-'));
  try {
    symlinkSync(bin, join(dir, 'kubectl-skupper'));
    const r = run('/usr/bin/kubectl', ['skupper', 'version'], `${dir}:${SYSTEM_PATH}`);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /node v24\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
