// Benchmark (not a test): token issue and token redeem end to end, as whole processes, paired with
// `kubectl create -f` of an AccessGrant in the same run; then a real `kubectl skupper grant-server`
// process's redemptions per second at 1, 8 and 32 concurrent clients, with p50/p99 latency.
// Usage: npm run bench:tokens [-- --runs 9 --redemptions 240]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { startWithStandIns } from '../scripts/local-cluster.js';
import type { AccessToken } from '../src/kube/resources.js';
import { postCode } from '../src/token/post.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, redemptions: { type: 'string', default: '240' } } });
const runs = Number(values.runs);
const perLevel = Number(values.redemptions);
const bin = join(root, 'bin', 'kubectl-skupper');
const work = mkdtempSync(join(tmpdir(), 'ks-bench-tokens-'));

function timed(cmd: string, args: string[], env: Record<string, string>, input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'], cwd: work });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(input ?? '');
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

const { cluster, stop } = await startWithStandIns(undefined, ['west', 'east']);
const env = { KUBECONFIG: cluster.kubeconfig };
const server = spawn(bin, ['grant-server', '--context', 'west', '--listen', '127.0.0.1:0'], { env: { ...process.env, ...env, ...(process.env.GS_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GS_NODE_OPTIONS } : {}) }, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  let log = '';
  server.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  while (!log.includes('listening on')) await new Promise((r) => setTimeout(r, 50));
  await timed(bin, ['site', 'create', 'west', '--enable-link-access', '--context', 'west'], env);
  await timed(bin, ['site', 'create', 'east', '--context', 'east'], env);
  await timed(bin, ['token', 'issue', 'warm.yaml', '--context', 'west'], env); // makes the signing key; warms caches

  const create: number[] = [];
  const issue: number[] = [];
  const redeem: number[] = [];
  for (let i = 0; i < runs; i++) {
    const grant = `apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata:\n  name: bench-${randomUUID()}\nspec:\n  redemptionsAllowed: 1\n  expirationWindow: 15m\n`;
    create.push(await timed('kubectl', ['create', '-f', '-', '--context', 'west'], env, grant));
    issue.push(await timed(bin, ['token', 'issue', `t${i}.yaml`, '--context', 'west'], env));
    redeem.push(await timed(bin, ['token', 'redeem', `t${i}.yaml`, '--context', 'east'], env));
  }
  const ratio = (xs: number[]) => median(xs.map((x, i) => x / create[i]!));
  const lines = [
    `end to end, whole processes, median of ${runs} paired runs (bin/kubectl-skupper, local API server on loopback)`,
    `  kubectl create -f <AccessGrant>        ${median(create).toFixed(0)} ms`,
    `  token issue (grant filled by watch)    ${median(issue).toFixed(0)} ms   ${ratio(issue).toFixed(2)}x kubectl create; ${(1000 / median(issue)).toFixed(1)}x faster than one 1 s poll`,
    `  token redeem (HTTPS + Secret + Link)   ${median(redeem).toFixed(0)} ms   ${ratio(redeem).toFixed(2)}x kubectl create; ${(1000 / median(redeem)).toFixed(1)}x faster than one 1 s poll`,
  ];

  // One grant with uses to spare: every redemption races on the same grant (the hardest case).
  await timed(bin, ['token', 'issue', 'load.yaml', '--redemptions-allowed', '100000', '--expiration-window', '1h', '--context', 'west'], env);
  const token = parse(readFileSync(join(work, 'load.yaml'), 'utf8')) as AccessToken;
  lines.push(`grant server (one process, one grant, a new TLS 1.3 connection per redemption, ${perLevel} redemptions per level)`);
  for (const clients of [1, 8, 32]) {
    const latencies: number[] = [];
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < perLevel) {
          const n = next++;
          const t0 = process.hrtime.bigint();
          const answer = await postCode(token, { name: `bench-${clients}-${n}`, subject: 'bench' }, 30_000);
          if (answer.status !== 200) throw new Error(`redemption failed: ${answer.status} ${answer.body}`);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    lines.push(`  ${String(clients).padStart(2)} concurrent clients   ${(perLevel / seconds).toFixed(0).padStart(4)} redemptions/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  }
  console.log(lines.join('\n'));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await stop();
  rmSync(work, { recursive: true, force: true });
}
