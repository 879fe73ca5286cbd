// Measuring whole processes the way a user runs them: paired runs (round-robin over the commands
// of a group, so a busy moment of the machine hits each alike), medians of wall time, peak memory
// (maximum resident set, from GNU time when it is installed), and requests per command counted at
// the client (our -v 6 log, kubectl's -v=6 log).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Case {
  /** What is run, e.g. "ours (packaged)", "kubectl", "upstream skupper". */
  who: string;
  cmd: string[];
  env?: Record<string, string>;
  /** How to count its requests: 'ours' (-v 6), 'kubectl' (-v=6); none when undefined. */
  requestLog?: 'ours' | 'kubectl';
  stdin?: string;
}

export interface Measured {
  who: string;
  command: string;
  medianMs: number;
  minMs: number;
  peakMiB?: number;
  requests?: number;
}

export interface Group {
  title: string;
  results: Measured[];
  /** Why a yardstick is missing, when one is. */
  notes: string[];
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

interface Run {
  ms: number;
  code: number | null;
  peakKiB?: number;
  stderr: string;
}

export function runOnce(c: Case, extraArgs: string[] = [], withMemory = true): Promise<Run> {
  const dir = withMemory && hasGnuTime ? mkdtempSync(join(tmpdir(), 'ks-bench-')) : undefined;
  const out = dir ? join(dir, 'rss') : undefined;
  const [cmd, ...args] = out ? [GNU_TIME, '-f', '%M', '-o', out, ...c.cmd, ...extraArgs] : [...c.cmd, ...extraArgs];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd!, args, { env: { ...process.env, ...c.env }, stdio: [c.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    if (c.stdin !== undefined) child.stdin!.end(c.stdin);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let peakKiB: number | undefined;
      if (out && existsSync(out)) peakKiB = Number(readFileSync(out, 'utf8').trim().split('\n').pop()) || undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve({ ms, code, peakKiB, stderr });
    });
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Counts the API requests one run makes, from the client's own log. */
async function countRequests(c: Case): Promise<number | undefined> {
  if (!c.requestLog) return undefined;
  const r = await runOnce(c, c.requestLog === 'ours' ? ['-v', '6'] : ['-v=6'], false);
  const lines = r.stderr.split('\n');
  if (c.requestLog === 'ours') return lines.filter((l) => / in \d+ milliseconds$/.test(l)).length;
  return lines.filter((l) => /"Response" verb=|round_trippers.*(GET|POST|PUT|PATCH|DELETE) https?:\/\//.test(l)).length;
}

/**
 * Runs every case of a group `runs` times, round-robin, after a warm-up round. Cases whose warm-up
 * fails are dropped with a note (a yardstick that cannot run here) unless `required`.
 */
export async function paired(title: string, cases: Case[], runs: number, opts: { required?: string[] } = {}): Promise<Group> {
  const notes: string[] = [];
  const live: Case[] = [];
  for (const c of cases) {
    const warm = await runOnce(c, [], false);
    if (warm.code === 0) live.push(c);
    else {
      const why = `${c.who} (${c.cmd.slice(1).join(' ')}) failed here (exit ${warm.code}: ${warm.stderr.trim().split('\n').pop()?.slice(0, 160) ?? ''})`;
      if (opts.required?.includes(c.who)) throw new Error(`${title}: ${why}`);
      notes.push(`${title}: ${why}; left out`);
    }
  }
  const times = live.map(() => [] as number[]);
  const peaks = live.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, c] of live.entries()) {
      const r = await runOnce(c);
      if (r.code !== 0) throw new Error(`${title}: ${c.cmd.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
      times[j]!.push(r.ms);
      if (r.peakKiB) peaks[j]!.push(r.peakKiB);
    }
  }
  const results: Measured[] = [];
  for (const [j, c] of live.entries()) {
    results.push({
      who: c.who,
      command: c.cmd.map((a) => a.replace(/^.*\/(kubectl-skupper[^/]*|skupper|kubectl|hello-world-sea)$/, '$1')).join(' '),
      medianMs: round(median(times[j]!)),
      minMs: round(Math.min(...times[j]!)),
      peakMiB: peaks[j]!.length ? round(median(peaks[j]!) / 1024) : undefined,
      requests: await countRequests(c),
    });
  }
  return { title, results, notes };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
