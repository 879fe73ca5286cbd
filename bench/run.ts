// npm run bench: every benchmark, in one run, on this machine. Builds and packages the host
// executable, starts the local cluster (real kube-apiserver and etcd, site stand-ins), and measures
// whole processes in paired runs: start-up, each cluster command beside its nearest kubectl
// command and the upstream Go CLI (when its build is cached), link status over 10 to 5,000 Links,
// and the token benchmarks when bench/tokens.ts provides them. Prints a table of medians and
// ratios and writes bench/results.json. Figures, not tests: compare ratios, not absolutes.
// Usage: npm run bench [-- --runs 11 --only startup,e2e,scale,tokens,services,network --scale 10,100,1000,5000 --service-scale 1,100,1000 --no-package]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { paired, type Case, type Group } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '11' },
    only: { type: 'string' },
    scale: { type: 'string', default: '10,100,1000,5000' },
    'service-scale': { type: 'string', default: '1,100,1000' },
    'no-package': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (section: string) => !only || only.has(section);
const groups: Group[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// --- What is measured -------------------------------------------------------------------------
// Dynamic imports of the .mjs packaging helpers (plain JS, no types).
const sea = (await import(join(root, 'scripts', 'package-sea.mjs'))) as {
  buildSea(o: { main: string; output: string; nodePlatform: string; useCodeCache: boolean; workDir: string }): Promise<{ codeCache: boolean }>;
  hostNodePlatform(): string;
  TARGETS: { os: string; arch: string; nodePlatform: string; exe: string }[];
  SEA_NODE_VERSION: string;
};
const target = sea.TARGETS.find((t) => t.nodePlatform === sea.hostNodePlatform());
if (!target) throw new Error(`no release target for this machine (${sea.hostNodePlatform()})`);
const packaged = join(root, 'dist', `kubectl-skupper-${target.os}-${target.arch}${target.exe}`);
const dev = join(root, 'bin', 'kubectl-skupper');
const node = process.execPath;
log('building build/ and the packaged executable');
execFileSync(node, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
const helloDir = join(root, '.cache', 'bench');
mkdirSync(helloDir, { recursive: true }); // also where the packaging step below writes its manifest
if (!values['no-package'] || !existsSync(packaged)) {
  execFileSync(node, [join(root, 'scripts', 'package.mjs'), '--targets', `${target.os}-${target.arch}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: root,
    // Leave the committed plugin.yaml alone: it describes the last release.
    env: { ...process.env, KUBECTL_SKUPPER_MANIFEST: join(root, '.cache', 'bench', 'plugin.yaml') },
  });
}
writeFileSync(join(helloDir, 'hello.cjs'), "process.stdout.write('hello world\\n');\n");
const hello = join(root, 'dist', `hello-world-sea${target.exe}`);
await sea.buildSea({ main: join(helloDir, 'hello.cjs'), output: hello, nodePlatform: target.nodePlatform, useCodeCache: true, workDir: helloDir });

// Measure fresh copies: this kernel collapses often-run executables in the page cache into huge
// pages, which then count whole in the resident set (measured: the same packaged binary peaked at
// 67 MiB from dist/ and 47 MiB as a fresh copy), so both single executables start out alike.
const fresh = mkdtempSync(join(tmpdir(), 'ks-bench-bin-'));
const packagedCopy = join(fresh, `kubectl-skupper${target.exe}`);
const helloCopy = join(fresh, `hello-world-sea${target.exe}`);
copyFileSync(packaged, packagedCopy);
copyFileSync(hello, helloCopy);
process.on('exit', () => rmSync(fresh, { recursive: true, force: true }));

const kubectl = which('kubectl');
const upstream = upstreamSkupper();
if (!kubectl) notes.push('kubectl is not on PATH: kubectl yardsticks left out');
if (!upstream) notes.push('no upstream skupper build cached (skupper-*/skupper under ~/.cache/kubectl-skupper): upstream yardsticks left out');

// --- Start-up -------------------------------------------------------------------------------------
if (wants('startup')) {
  log('start-up');
  const cases: Case[] = [
    { who: 'ours (packaged)', cmd: [packagedCopy, 'version'] },
    { who: 'ours (dev, bin/)', cmd: [dev, 'version'] },
    { who: 'hello-world SEA', cmd: [helloCopy] },
  ];
  if (upstream) cases.push({ who: 'upstream skupper', cmd: [upstream, 'version'] });
  if (kubectl) cases.push({ who: 'kubectl', cmd: [kubectl, 'version', '--client'] });
  groups.push(await paired('version', cases, runs, { required: ['ours (packaged)'] }));
  const help: Case[] = [
    { who: 'ours (packaged)', cmd: [packagedCopy, '--help'] },
    { who: 'ours (dev, bin/)', cmd: [dev, '--help'] },
  ];
  if (upstream) help.push({ who: 'upstream skupper', cmd: [upstream, '--help'] });
  if (kubectl) help.push({ who: 'kubectl', cmd: [kubectl, '--help'] });
  groups.push(await paired('--help', help, runs, { required: ['ours (packaged)'] }));
}

// --- The cluster ----------------------------------------------------------------------------------
if (wants('e2e') || wants('scale') || wants('tokens') || wants('services')) {
  log('starting the local cluster');
  const { startWithStandIns } = await import('../scripts/local-cluster.js');
  const { cluster, stop } = await startWithStandIns(undefined, ['west', 'east']);
  // kubectl keeps its discovery cache under HOME; a HOME of our own keeps it warm and ours alone.
  const home = mkdtempSync(join(tmpdir(), 'ks-bench-home-'));
  const env = { KUBECONFIG: cluster.kubeconfig, HOME: home };
  try {
    // Not spawnSync: the stand-ins run in this process and must keep answering meanwhile.
    const sh = (cmd: string[], stdin?: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdin.end(stdin ?? '');
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd.join(' ')}: exit ${code}: ${err}`))));
      });
    await sh([dev, 'site', 'create', 'west', '--enable-link-access', '--context', 'west']);
    await sh([dev, 'site', 'create', 'east', '--context', 'east']);
    const linkYaml = await sh([dev, 'link', 'generate', '--context', 'west']);
    if (kubectl) await sh([kubectl, 'apply', '-f', '-', '--context', 'east'], linkYaml);
    await sh([dev, 'link', 'status', '--wait', 'ready', '--context', 'east', '--timeout', '60s']);
    // Let the stand-ins and the API server finish what the setup started (status writes, the
    // router stand-in's first dials): measured without it, the first groups ran 10-20 % slower
    // for every client alike.
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    const trio = (title: string, ours: string[], kube: string[] | undefined, up: string[] | undefined) => {
      const cases: Case[] = [
        { who: 'ours (packaged)', cmd: [packagedCopy, ...ours], env, requestLog: 'ours' },
        { who: 'ours (dev, bin/)', cmd: [dev, ...ours], env },
      ];
      if (kubectl && kube) cases.push({ who: 'kubectl', cmd: [kubectl, ...kube], env, requestLog: 'kubectl' });
      if (upstream && up) cases.push({ who: 'upstream skupper', cmd: [upstream, ...up], env });
      return paired(title, cases, runs, { required: ['ours (packaged)'] });
    };

    if (wants('e2e')) {
      log('end to end');
      groups.push(await trio('site status', ['site', 'status', '--context', 'west'], ['get', 'sites.skupper.io', '-n', 'west', '--context', 'west'], ['site', 'status', '-n', 'west', '--context', 'west']));
      groups.push(
        await trio(
          'site update',
          // The update itself, without waiting (upstream waits for a router status no stand-in gives).
          ['site', 'update', '--enable-link-access', '--wait', 'none', '--context', 'west'],
          ['patch', 'sites.skupper.io', 'west', '-n', 'west', '--context', 'west', '--type', 'merge', '-p', '{"spec":{"linkAccess":"default"}}'],
          ['site', 'update', 'west', '--enable-link-access', '--wait', 'none', '-n', 'west', '--context', 'west'],
        ),
      );
      groups.push(await trio('link status', ['link', 'status', '--context', 'east'], ['get', 'links.skupper.io', '-n', 'east', '--context', 'east'], ['link', 'status', '-n', 'east', '--context', 'east']));
      groups.push(
        await trio(
          'link generate',
          ['link', 'generate', '--context', 'west'],
          // The objects link generate reads: the Site and the site CA.
          ['get', 'sites.skupper.io/west', 'secrets/skupper-site-ca', '-n', 'west', '--context', 'west', '-o', 'yaml'],
          ['link', 'generate', '-n', 'west', '--context', 'west', '--timeout', '10s'],
        ),
      );
    }

    if (wants('tokens')) {
      // Token issue/redeem and the grant server are built by another work stream in bench/tokens.ts;
      // it exports tokenBenchmarks(ctx) returning groups, or is not there yet.
      const tokens = join(root, 'bench', 'tokens.ts');
      const mod = existsSync(tokens) ? ((await import(tokens)) as { tokenBenchmarks?: (ctx: unknown) => Promise<Group[]> }) : undefined;
      if (mod?.tokenBenchmarks) {
        log('tokens and grant server');
        groups.push(...(await mod.tokenBenchmarks({ kubeconfig: cluster.kubeconfig, env, packaged: packagedCopy, dev, kubectl, upstream, runs, paired })));
      } else {
        const why = existsSync(tokens) ? 'bench/tokens.ts exports no tokenBenchmarks' : 'bench/tokens.ts is not there yet';
        notes.push(`token issue, token redeem and grant-server redemptions per second: left out (${why})`);
        log(`skipping token benchmarks: ${why}`);
      }
    }

    if (wants('services')) {
      log('listener and connector status over 1 to 1,000 objects, and service expose (bench/services.ts)');
      const { serviceBenchmarks } = await import('./services.js');
      const counts = values['service-scale'].split(',').map(Number);
      groups.push(...(await serviceBenchmarks({ kubeconfig: cluster.kubeconfig, env, packaged: packagedCopy, dev, kubectl, runs, paired, counts })));
    }

    if (wants('scale')) {
      const { connect } = await import('../src/kube/connect.js');
      const { LINKS } = await import('../src/kube/resources.js');
      const admin = await connect({ kubeconfig: cluster.kubeconfig, context: 'west', env: {} });
      for (const count of values.scale.split(',').map(Number)) {
        const ns = `scale-${count}`;
        log(`link status over ${count} Links (creating them)`);
        await admin.create({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, '');
        // A Site, which the upstream CLI looks for before it lists Links (ours does not need one).
        const { SITES } = await import('../src/kube/resources.js');
        await admin.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: ns }, spec: {} }, ns);
        const endpoint = { name: 'inter-router', host: '127.0.0.1', port: '55671', group: 'skupper-router' };
        for (let i = 0; i < count; i += 50) {
          await Promise.all(
            Array.from({ length: Math.min(50, count - i) }, (_, j) =>
              admin.create(LINKS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: `link-${String(i + j).padStart(5, '0')}` }, spec: { endpoints: [endpoint], tlsCredentials: 'link-credentials', cost: 1 } }, ns),
            ),
          );
        }
        groups.push(await trio(`link status, ${count} Links`, ['link', 'status', '-n', ns], ['get', 'links.skupper.io', '-n', ns], ['link', 'status', '-n', ns]));
      }
      admin.close();
    }
  } finally {
    await stop();
    rmSync(home, { recursive: true, force: true });
  }
}

// --- network status (issue 14's benchmark, its own cluster and format) ------------------------------
let network: string | undefined;
if (wants('network') && existsSync(join(root, 'bench', 'network.ts'))) {
  log('network status over four contexts (bench/network.ts)');
  const r = spawnSync(node, ['--import', 'tsx', join(root, 'bench', 'network.ts'), '--runs', String(runs)], { cwd: root, encoding: 'utf8' });
  if (r.status === 0) network = r.stdout.trim();
  else notes.push(`network status: bench/network.ts failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
}

// --- Report ---------------------------------------------------------------------------------------
const rows: string[][] = [['benchmark', 'who', 'median ms', 'min ms', 'peak MiB', 'requests', 'vs kubectl', 'vs upstream', 'vs hello']];
for (const g of groups) {
  const of = (who: string) => g.results.find((r) => r.who === who)?.medianMs;
  for (const r of g.results) {
    const ratio = (base: number | undefined) => (base && r.who.startsWith('ours') ? `${(r.medianMs / base).toFixed(2)}x` : '');
    rows.push([g.title, r.who, r.medianMs.toFixed(0), r.minMs.toFixed(0), r.peakMiB?.toFixed(1) ?? '', r.requests?.toString() ?? '', ratio(of('kubectl')), ratio(of('upstream skupper')), ratio(of('hello-world SEA'))]);
  }
  // Several groups share a note (the token benchmarks): once is enough.
  for (const n of g.notes) if (!notes.includes(n)) notes.push(n);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? '',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: `${process.platform} ${release()}`,
  arch: process.arch,
  seaNode: sea.SEA_NODE_VERSION,
  kubectl: kubectl ? spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n')[0] : undefined,
  upstream: upstream ?? undefined,
};
console.log(`\n${runs} paired runs per benchmark, medians of whole processes; ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB\n`);
for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
if (network) console.log(`\nnetwork status (bench/network.ts):\n${network}`);
if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
const commit = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), commit, runs, machine, groups, network, notes }, null, 2)}\n`);
console.log('\nwrote bench/results.json');

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The upstream CLI as issue 9's cache convention stores it, newest first. */
function upstreamSkupper(): string | undefined {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-skupper');
  if (!existsSync(cache)) return undefined;
  const dirs = readdirSync(cache).filter((d) => d.startsWith('skupper-')).sort().reverse();
  for (const d of dirs) if (existsSync(join(cache, d, 'skupper'))) return join(cache, d, 'skupper');
  return undefined;
}

