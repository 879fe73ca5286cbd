// Soak: the grant server, as the real CLI process, on a cluster of its own whose watches expire
// fast (3 s watches; no watch cache and etcd compacted every 5 s, so that watching again from an
// old resourceVersion gets 410 Gone), kept running past --timeout, many Lease renewals, several
// watch expiries and an API server restart, redeeming tokens at the start, in the middle, after
// the restart and at the end. A `site status -w` runs beside it. Bounded: about a minute and a half.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LEASE_NAME } from '../../src/grants/lease.js';
import { connect } from '../../src/kube/connect.js';
import { LEASES, SITES } from '../../src/kube/resources.js';
import { startCluster, type TestCluster } from '../cluster/harness.js';
import { ControllerStandIn } from '../stand-in/controller-stand-in.js';
import { RouterStandIn } from '../stand-in/router-stand-in.js';
import { plugin } from '../support/plugin.js';
import { BIN, workDir } from '../token/support.js';

const WATCH_SECONDS = '3';
/** What a command whose deadline ran out would log. */
const DEADLINE_ERROR = /\(--timeout\)|before the request could start/;

let c: TestCluster | undefined;
const stoppers: (() => Promise<unknown> | unknown)[] = [];

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(BIN, [...args, '--kubeconfig', c!.kubeconfig], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', KUBECTL_SKUPPER_TEST_WATCH_SECONDS: WATCH_SECONDS } });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  stoppers.push(() => (child.exitCode === null ? (child.kill('SIGKILL'), exited) : undefined));
  return { child, out: () => out, exited };
}

/** Set once the grant server under test exits unasked; every wait then fails with it. */
let failure: () => string | undefined = () => undefined;

async function until(what: string, check: () => Promise<boolean> | boolean, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    const why = failure();
    if (why) throw new Error(`while waiting until ${what}: ${why}`);
    if (Date.now() > end) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(ns: string, ...args: string[]) {
  return plugin([...args, '--kubeconfig', c!.kubeconfig, '-n', ns]);
}

/** The resident memory of a process, in bytes. */
function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

test('the grant server serves across watch expiries (410 Gone), Lease renewals and an API server restart, with flat memory', async () => {
  c = await startCluster({ apiServerArgs: ['--watch-cache=false', '--etcd-compaction-interval=5s'] });
  for (const ns of ['west', 'east']) {
    const client = await connect({ kubeconfig: c.kubeconfig, context: 'west', namespace: ns, env: {} });
    const controller = new ControllerStandIn({ client, namespace: ns }).start();
    const router = new RouterStandIn({ client, namespace: ns }).start();
    stoppers.push(() => Promise.all([controller.stop(), router.stop()]));
  }
  assert.is((await cli('west', 'site', 'create', 'west', '--enable-link-access')).code, 0);
  assert.is((await cli('east', 'site', 'create', 'east')).code, 0);

  const server = start(['grant-server', '-n', 'west', '--listen', '127.0.0.1:0', '-v', '6', '--timeout', '5s']);
  await until('the grant server serves west', () => server.out().includes('serving namespace west'));
  const watcher = start(['site', 'status', '-w', '-n', 'west', '--timeout', '2s', '-o', 'custom-columns=NAME:.metadata.name,MARK:.metadata.labels.mark']);
  const started = Date.now();
  const samples: number[] = [];
  // A server that dies mid-run fails the test with its log, not the runner with an ENOENT.
  let died: string | undefined;
  void server.exited.then((code) => (died = `the grant server exited (${code}) before the test stopped it:\n${server.out()}`));
  failure = () => died;
  const sampler = setInterval(() => {
    if (!died) samples.push(rss(server.child.pid!));
  }, 1000);
  stoppers.push(() => clearInterval(sampler));

  let redeemed = 0;
  const redeem = async (when: string) => {
    const file = join(workDir(), 'token.yaml');
    const issued = await cli('west', 'token', 'issue', file);
    assert.is(issued.code, 0, `${when}: ${issued.stderr}`);
    const res = await cli('east', 'token', 'redeem', file, '--name', `soak-${++redeemed}`);
    assert.is(res.code, 0, `${when}: ${res.stderr}${died ?? ''}`);
  };
  const lines = (pattern: RegExp) => server.out().split('\n').filter((l) => pattern.test(l)).length;
  const grantLists = () => lines(/GET \S+\/namespaces\/west\/accessgrants\?limit=\d+ 200/);
  const grantWatches = () => lines(/GET \S+\/namespaces\/west\/accessgrants\?\S*watch=true\S* 200/);

  await redeem('at the start');
  const baseline = Math.max(...samples.slice(-3), rss(server.child.pid!));
  // Watches end every 3 s; one made again from a compacted resourceVersion gets 410 Gone and lists again.
  await until('a watch expired with 410 Gone and the grants were listed again', () => grantLists() >= 2, 60_000);
  await redeem('after a 410 Gone');

  await c.stopApiServer();
  await sleep(3000);
  await c.startApiServer();
  const listsBeforeRestart = grantLists();
  await until('the grants were listed again after the restart', () => grantLists() > listsBeforeRestart, 30_000);
  await redeem('after the API server restart');
  const admin = await connect({ kubeconfig: c.kubeconfig, context: 'west', namespace: 'west', env: {} });
  await admin.patch(SITES, 'west', { metadata: { labels: { mark: 'after-restart' } } });
  await until('site status -w printed a change made after the restart', () => /^west\s+after-restart$/m.test(watcher.out()), 30_000);

  // Past 30 s (the old default --timeout) and six times this server's --timeout.
  while (!died && Date.now() - started < 40_000) await sleep(1000);
  await redeem('at the end');

  const log = server.out();
  assert.not.match(log, DEADLINE_ERROR);
  assert.not.match(log, /MaxListenersExceededWarning|memory leak/);
  assert.not.match(watcher.out(), DEADLINE_ERROR);
  assert.ok(grantWatches() >= 8, `watches made again and again (${grantWatches()})`);
  assert.ok(lines(/PATCH \S+\/leases\/kubectl-skupper-grant-server 200/) >= 6, 'the Lease was renewed all along');
  assert.is(lines(/outcome=redeemed/), 4);
  // Memory: flat within a generous bound (a leak of listeners, timers or watch buffers per watch would grow it).
  const last = Math.max(...samples.slice(-3));
  assert.ok(last < Math.max(baseline * 1.5, baseline + 48 * 1024 * 1024), `RSS ${Math.round(last / 1048576)} MiB after ${samples.length} s, ${Math.round(baseline / 1048576)} MiB at the first redemption`);

  assert.is(died, undefined);
  server.child.kill('SIGTERM');
  assert.is(await server.exited, 0, log);
  assert.is((await admin.get(LEASES, LEASE_NAME, 'west')).spec.holderIdentity, undefined, 'the Lease was given up');
  watcher.child.kill('SIGINT');
  await watcher.exited;
});

test.after(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
  c?.stop();
});

test.run();
