// Shared by the token and grant server tests: two sites, a real `kubectl skupper grant-server`
// process (the built executable, over HTTPS on loopback), and the plugin run against a namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { AccessToken } from '../../src/kube/resources.js';
import { cluster, freshNamespace, standIn } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';

export const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));

export async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'ks-token-'));
}

/** `token issue` into a fresh file; returns the file and the token it holds. */
export async function issue(ns: string, ...args: string[]): Promise<{ file: string; token: AccessToken }> {
  const file = join(workDir(), 'token.yaml');
  const res = await run(ns, 'token', 'issue', file, ...args);
  assert.is(res.code, 0, res.stderr);
  return { file, token: parse(readFileSync(file, 'utf8')) as AccessToken };
}

/** West accepts links; east links to it. */
export async function twoSites(opts: { operationalDelayMs?: number } = {}) {
  const west = await freshNamespace('west');
  const east = await freshNamespace('east');
  await standIn(west);
  await standIn(east, { operationalDelayMs: opts.operationalDelayMs });
  const w = await run(west, 'site', 'create', 'west', '--enable-link-access');
  assert.is(w.code, 0, w.stderr);
  const e = await run(east, 'site', 'create', 'east');
  assert.is(e.code, 0, e.stderr);
  return { west, east };
}

export interface RunningGrantServer {
  url: string;
  process: ChildProcess;
  log: () => string;
  /** The log once it matches (a log line can reach us after the HTTP answer it describes). */
  logMatching: (pattern: RegExp) => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

const started: RunningGrantServer[] = [];

/** Starts `kubectl skupper grant-server` for a namespace and waits until it serves it. */
export async function grantServer(ns: string, extra: string[] = [], listen = '127.0.0.1:0', env: Record<string, string> = {}): Promise<RunningGrantServer> {
  const c = await cluster();
  const child = spawn(BIN, ['grant-server', '--kubeconfig', c.kubeconfig, '-n', ns, '--listen', listen, ...extra], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', ...env } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!/listening on .* URL (https:\/\/\S+),/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`grant server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /URL (https:\/\/\S+),/.exec(out)![1]!;
  const server: RunningGrantServer = {
    url,
    process: child,
    log: () => out,
    logMatching: async (pattern) => {
      for (let i = 0; i < 100 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 20));
      return out;
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
  started.push(server);
  return server;
}

export async function stopGrantServers(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.stop()));
}
