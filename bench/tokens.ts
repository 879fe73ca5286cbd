// Token benchmarks for `npm run bench` (bench/run.ts calls tokenBenchmarks with its cluster, where
// west has link access): token issue and token redeem as whole processes, paired with `kubectl
// create -f` of an AccessGrant; and a real `kubectl skupper grant-server` process's redemptions per
// second at 1, 8 and 32 concurrent clients with p50/p99. Alone: npm run bench:tokens.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AccessToken } from '../src/kube/resources.js';
import { postCode } from '../src/token/post.js';
import type { Case, Group, paired as Paired } from './measure.js';

export interface TokenBenchContext {
  kubeconfig: string;
  env: Record<string, string>;
  packaged: string;
  dev: string;
  kubectl?: string;
  upstream?: string;
  runs: number;
  paired: typeof Paired;
}

const REDEMPTIONS_PER_LEVEL = 240;

export async function tokenBenchmarks(ctx: TokenBenchContext): Promise<Group[]> {
  const work = mkdtempSync(join(tmpdir(), 'ks-bench-tokens-'));
  const env = ctx.env;
  const server = spawn(ctx.dev, ['grant-server', '--context', 'west', '--listen', '127.0.0.1:0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    let log = '';
    server.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    const deadline = Date.now() + 30_000;
    while (!log.includes('listening on')) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the grant server did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const run = (args: string[]) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(ctx.dev, args, { env: { ...process.env, ...env }, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${err}`))));
      });
    await run(['token', 'issue', 'warm.yaml', '--context', 'west']); // makes the signing key
    await run(['token', 'issue', 'many.yaml', '--redemptions-allowed', '100000', '--expiration-window', '1h', '--context', 'west']);

    // The yardstick: what token issue itself asks of the API server, done by kubectl.
    const grant = 'apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata:\n  generateName: bench-\nspec:\n  redemptionsAllowed: 1\n  expirationWindow: 15m\n';
    const yardstick: Case[] = ctx.kubectl ? [{ who: 'kubectl', cmd: [ctx.kubectl, 'create', '-f', '-', '--context', 'west'], env, stdin: grant }] : [];
    // A new file or link name per run: a token file is never overwritten, a link name never reused.
    const unique = '$(od -An -N6 -tx1 /dev/urandom | tr -d " \\n")';
    const groups: Group[] = [];
    groups.push(
      await ctx.paired(
        'token issue (kubectl: create -f of an AccessGrant)',
        [{ who: 'ours (packaged)', cmd: ['sh', '-c', `exec "$0" token issue ${work}/t-${unique}.yaml --context west`, ctx.packaged], env }, ...yardstick],
        ctx.runs,
        { required: ['ours (packaged)'] },
      ),
    );
    groups.push(
      await ctx.paired(
        'token redeem (kubectl: create -f of an AccessGrant)',
        [{ who: 'ours (packaged)', cmd: ['sh', '-c', `exec "$0" token redeem ${work}/many.yaml --name r-${unique} --context east`, ctx.packaged], env }, ...yardstick],
        ctx.runs,
        { required: ['ours (packaged)'] },
      ),
    );
    for (const group of groups) group.notes.push('upstream skupper token issue/redeem left out: they need the controller\'s grant server, which the stand-in does not run (grants disabled, as upstream by default)');
    groups.push(await throughput(parse(readFileSync(join(work, 'many.yaml'), 'utf8')) as AccessToken));
    return groups;
  } finally {
    server.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
}

/** Redemptions of one grant (the hardest case: every use is counted on the same object), a new TLS connection each. */
async function throughput(token: AccessToken): Promise<Group> {
  const group: Group = { title: `grant server redemptions, one grant, ${REDEMPTIONS_PER_LEVEL} per level (p50 as median)`, results: [], notes: [] };
  for (const clients of [1, 8, 32]) {
    const latencies: number[] = [];
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < REDEMPTIONS_PER_LEVEL) {
          const n = next++;
          const t0 = process.hrtime.bigint();
          const answer = await postCode(token, { name: `bench-${clients}-${n}`, subject: 'bench' }, 30_000);
          if (answer.status !== 200) throw new Error(`redemption failed: ${answer.status} ${answer.body}`);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const sorted = latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! * 10) / 10;
    group.results.push({ who: `${clients} concurrent client${clients === 1 ? '' : 's'}`, command: 'POST <url>/<grant uid>', medianMs: at(50), minMs: Math.round(sorted[0]! * 10) / 10 });
    group.notes.push(`${clients} client${clients === 1 ? '' : 's'}: ${(REDEMPTIONS_PER_LEVEL / seconds).toFixed(0)} redemptions/s, p50 ${at(50)} ms, p99 ${at(99)} ms`);
  }
  return group;
}
