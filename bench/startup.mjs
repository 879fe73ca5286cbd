// npm run bench:startup: start-up time of the packaged executable, side by side in one run with
//  - a hello-world single executable built the same way (same Node, same code cache setting), so the
//    cost of our own code stands apart from the cost of starting Node;
//  - the development entry bin/kubectl-skupper (the project's Node 24 on build/main.mjs);
//  - plain Node and `kubectl version --client`, for reference.
// Uses hyperfine when it is installed (apt-get install hyperfine), else N runs timed here.
// Median wall time in ms; compare ratios, not absolutes, on a busy machine.
// Env: BENCH_RUNS (default 15), TEST_KUBECONFIG (adds the cluster round trips, see clusterCases).
// Needs dist/kubectl-skupper-<os>-<arch> from `npm run package`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSea, hostNodePlatform, nodeBase, root, SEA_NODE_VERSION, TARGETS } from '../scripts/package-sea.mjs';
import { archiveName } from '../krew-manifest/generate.mjs';

const runs = Number(process.env.BENCH_RUNS || 15);
const warmup = 2;
const dist = join(root, 'dist');
const target = TARGETS.find((t) => t.nodePlatform === hostNodePlatform());
if (!target) throw new Error(`no release target for this machine (${hostNodePlatform()})`);
const packaged = join(dist, `kubectl-skupper-${target.os}-${target.arch}${target.exe}`);
if (!existsSync(packaged)) {
  console.error(`bench: ${packaged} is missing: run "npm run package" (or "npm run package -- --targets ${target.os}-${target.arch}") first`);
  process.exit(1);
}

// A hello-world single executable made exactly like the packaged one.
const helloDir = join(root, '.cache', 'bench');
mkdirSync(helloDir, { recursive: true });
const helloMain = join(helloDir, 'hello.cjs');
writeFileSync(helloMain, "process.stdout.write('hello world\\n');\n");
const hello = join(dist, `hello-world-sea${target.exe}`);
const { codeCache } = await buildSea({ main: helloMain, output: hello, nodePlatform: target.nodePlatform, useCodeCache: true, workDir: helloDir });

// bin/kubectl-skupper runs build/main.mjs; build it if it is not there.
if (!existsSync(join(root, 'build', 'main.mjs'))) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });

/** @type {{ name: string, cmd: string[] }[]} */
const cases = [
  { name: `hello-world SEA (Node ${SEA_NODE_VERSION}${codeCache ? ', code cache' : ''})`, cmd: [hello] },
  { name: 'packaged: version', cmd: [packaged, 'version'] },
  { name: 'packaged: --help', cmd: [packaged, '--help'] },
  { name: 'dev bin/kubectl-skupper version', cmd: [join(root, 'bin', 'kubectl-skupper'), 'version'] },
  { name: `node ${SEA_NODE_VERSION} -e 0`, cmd: [nodeBase(target.nodePlatform), '-e', '0'] },
];
const kubectl = which('kubectl');
if (kubectl) cases.push({ name: 'kubectl version --client', cmd: [kubectl, 'version', '--client'] });
cases.push(...clusterCases(process.env.TEST_KUBECONFIG));

/**
 * Cluster round trips, when TEST_KUBECONFIG names a kubeconfig whose cluster has namespace west:
 * our site status against kubectl reading the same resources. Add further commands here.
 */
function clusterCases(kubeconfig) {
  if (!kubeconfig) return [];
  const list = [
    { name: 'packaged: site status -n west', cmd: [packaged, 'site', 'status', '--kubeconfig', kubeconfig, '-n', 'west'] },
  ];
  if (kubectl) list.push({ name: 'kubectl get sites.skupper.io -n west', cmd: [kubectl, 'get', 'sites.skupper.io', '-n', 'west', '--kubeconfig', kubeconfig] });
  for (const c of list) {
    const r = spawnSync(c.cmd[0], c.cmd.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${c.cmd.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  }
  return list;
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function quote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function withHyperfine(list) {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-skupper-bench-'));
  try {
    const json = join(dir, 'results.json');
    execFileSync('hyperfine', ['--shell=none', '--warmup', String(warmup), '--runs', String(runs), '--export-json', json,
      '--style', 'none', ...list.map((c) => c.cmd.map(quote).join(' '))], { stdio: ['ignore', 'ignore', 'inherit'] });
    const { results } = JSON.parse(readFileSync(json, 'utf8'));
    return results.map((r) => ({ median: r.median * 1000, min: r.min * 1000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withLoop(list) {
  // Round-robin, so that a busy moment of the machine hits every case alike.
  const times = list.map(() => []);
  for (let i = -warmup; i < runs; i++) {
    list.forEach((c, j) => {
      const start = process.hrtime.bigint();
      const r = spawnSync(c.cmd[0], c.cmd.slice(1), { stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) throw new Error(`${c.cmd.join(' ')} exited ${r.status}`);
      if (i >= 0) times[j].push(ms);
    });
  }
  return times.map((t) => ({ median: median(t), min: Math.min(...t) }));
}

const hyperfine = which('hyperfine') && !process.env.BENCH_NO_HYPERFINE;
console.log(`start-up, ${runs} runs each after ${warmup} warm-up, ${hyperfine ? 'hyperfine' : 'timed by bench/startup.mjs'} (${process.platform}/${process.arch})\n`);
const results = hyperfine ? withHyperfine(cases) : withLoop(cases);
const base = results[0].median;
const width = Math.max(...cases.map((c) => c.name.length));
console.log(`${'command'.padEnd(width)}  median ms  min ms  vs hello-world`);
cases.forEach((c, i) => {
  const r = results[i];
  console.log(`${c.name.padEnd(width)}  ${r.median.toFixed(0).padStart(9)}  ${r.min.toFixed(0).padStart(6)}  ${(r.median / base).toFixed(2).padStart(13)}x`);
});

const fileWidth = 48;
console.log(`\n${'file'.padEnd(fileWidth)}  size MiB`);
const mib = (f) => (statSync(f).size / 1024 / 1024).toFixed(1);
const files = [[`hello-world SEA`, hello], [`bundle .cache/package/kubectl-skupper.cjs`, join(root, '.cache', 'package', 'kubectl-skupper.cjs')]];
for (const t of TARGETS) {
  files.push([`dist/kubectl-skupper-${t.os}-${t.arch}${t.exe}`, join(dist, `kubectl-skupper-${t.os}-${t.arch}${t.exe}`)]);
  files.push([`dist/${archiveName(t.os, t.arch)}`, join(dist, archiveName(t.os, t.arch))]);
}
for (const [label, file] of files) if (existsSync(file)) console.log(`${label.padEnd(fileWidth)}  ${mib(file).padStart(8)}`);
