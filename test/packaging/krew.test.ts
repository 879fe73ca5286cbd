// The release path as a user meets it: package the single executables, validate the krew manifest
// with krew's own validator, install every platform with krew (KREW_OS/KREW_ARCH) into isolated
// KREW_ROOTs and check each is that platform's executable (the macOS one's signature too), and run
// the linux/amd64 one through kubectl's plugin discovery with no Node on PATH, against the cluster.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
import { executableKind, type ExecutableKind } from '../support/executable-header.js';
import { CPU_TYPE_X86_64, verifyMachO } from '../support/macho-verify.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = join(root, 'node_modules', 'node', 'bin', 'node');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

// Every krew platform and the executable it must install: darwin/arm64 gets the x86-64 build
// (Rosetta 2), because the npm registry has no Node 24 for darwin-arm64.
const PLATFORMS: { os: string; arch: string; archive: string; kind: ExecutableKind }[] = [
  { os: 'linux', arch: 'amd64', archive: 'kubectl-skupper-linux-amd64.tar.gz', kind: { format: 'ELF', cpu: 'x86-64' } },
  { os: 'linux', arch: 'arm64', archive: 'kubectl-skupper-linux-arm64.tar.gz', kind: { format: 'ELF', cpu: 'arm64' } },
  { os: 'darwin', arch: 'amd64', archive: 'kubectl-skupper-darwin-amd64.tar.gz', kind: { format: 'Mach-O', cpu: 'x86-64' } },
  { os: 'darwin', arch: 'arm64', archive: 'kubectl-skupper-darwin-amd64.tar.gz', kind: { format: 'Mach-O', cpu: 'x86-64' } },
  { os: 'windows', arch: 'amd64', archive: 'kubectl-skupper-windows-amd64.zip', kind: { format: 'PE', cpu: 'x86-64' } },
];

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

test('package every target, validate the manifest, krew install each platform, and run linux/amd64 without Node', async () => {
  const c = await cluster();
  const work = mkdtempSync(join(tmpdir(), 'ks-krew-'));
  const keep = join(work, 'platforms');
  const manifest = join(work, 'skupper.yaml');
  const env = { KUBECTL_SKUPPER_MANIFEST: manifest, KUBECTL_SKUPPER_KREW_KEEP: keep, TEST_KUBECONFIG: c.kubeconfig };
  try {
    // Explicit targets: no registry lookup for a native darwin/arm64 Node during tests.
    const pack = await run(node, ['scripts/package.mjs', '--targets', 'linux-amd64,linux-arm64,darwin-amd64,windows-amd64'], env);
    assert.is(pack.code, 0, pack.output);
    const selectors = [...readFileSync(manifest, 'utf8').matchAll(/os: (\w+)\n\s+arch: (\w+)/g)].map((m) => `${m[1]}/${m[2]}`);
    assert.equal(selectors, PLATFORMS.map((p) => `${p.os}/${p.arch}`));
    const krew = await run('bash', ['test/packaging/krew-install.sh'], env);
    assert.is(krew.code, 0, krew.output);
    for (const check of [
      /PASS.*validate-krew-manifest plugin\.yaml/,
      /PASS.*validate-krew-manifest installed all 5 platforms/,
      ...PLATFORMS.map((p) => new RegExp(`PASS: KREW_OS=${p.os} KREW_ARCH=${p.arch} kubectl krew install --archive=${p.archive.replace(/\./g, '\\.')}: ${p.kind.format} ${p.kind.cpu} executable`)),
      /PASS.*kubectl krew install --manifest=.* --archive=kubectl-skupper-linux-amd64\.tar\.gz/,
      /PASS.*kubectl skupper version/,
      /PASS.*kubectl skupper link status --kubeconfig/,
    ]) {
      assert.match(krew.output, check);
    }
    assert.not.match(krew.output, /FAIL/);

    // What krew installed, read here too: the header, and the macOS signature by both readers.
    const blob = join(root, '.cache', 'package', 'darwin-x64.blob');
    const checker = execFileSync('bash', [join(root, 'test', 'packaging', 'macho-check', 'build.sh')], { encoding: 'utf8' }).trim();
    for (const p of PLATFORMS) {
      const exe = join(keep, `${p.os}-${p.arch}`, 'store', 'skupper', `v${version}`, p.os === 'windows' ? 'kubectl-skupper.exe' : 'kubectl-skupper');
      const bytes = readFileSync(exe);
      assert.equal(executableKind(bytes), p.kind, `${p.os}/${p.arch}`);
      if (p.os === 'darwin') {
        assert.equal(verifyMachO(bytes, { cputype: CPU_TYPE_X86_64, blob: readFileSync(blob) }), [], `${p.os}/${p.arch}`);
        const theirs = spawnSync(checker, [exe, blob], { encoding: 'utf8' });
        assert.is(theirs.stdout.trim(), 'ok', `go-macho on ${p.os}/${p.arch}: ${theirs.stdout}${theirs.stderr}`);
      }
    }
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
