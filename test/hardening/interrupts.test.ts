// Interrupts that leave nothing or everything: the built executable runs token redeem, link sites,
// link generate --via-controller and token issue, and gets SIGINT or SIGTERM at RUNS points spread
// over the whole of the operation (its duration measured first, each offset jittered). Every run
// must leave nothing (the command's objects, files and the token's uses as before, no success
// message) or everything (all objects present and consistent, then exit 0 with the success
// message, or the signal's exit code with a message that the command completed).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { ACCESS_GRANTS, CERTIFICATES, LINKS, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, cluster, stopStandIns } from '../support/cluster.js';
import { kubeconfigWith } from '../support/kubeconfig.js';
import { BIN, grantServer, issue, stopGrantServers, twoSites, workDir } from '../token/support.js';
import { clusterSnapshot } from './support.js';

const RUNS = 50;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the signal was sent (false: the command had ended before its offset). */
  sent: boolean;
  ms: number;
}

/** Runs the executable and sends `signal` after `afterMs` unless it has ended by then. */
function interruptAt(args: string[], afterMs: number, signal: NodeJS.Signals): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(BIN, args, { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) sent = child.kill(signal);
  }, afterMs);
  return new Promise((resolve) =>
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stdout, stderr, sent, ms: Date.now() - started });
    }),
  );
}

/** Offsets over the whole duration (a little past it, so that some runs complete untouched), each jittered within its slot. */
function offsets(durationMs: number): number[] {
  const span = durationMs * 1.1;
  return Array.from({ length: RUNS }, (_, i) => Math.round((span * (i + Math.random())) / RUNS));
}

const MEASURED = 3;

/** The longest of MEASURED undisturbed runs (the machine's load varies): what the offsets spread over. */
async function measure(args: (i: number) => string[], clean: () => Promise<void>): Promise<number> {
  let longest = 0;
  for (let i = 0; i < MEASURED; i++) {
    const res = await interruptAt(args(i), 600_000, 'SIGINT');
    assert.is(res.code, 0, `the undisturbed run failed: ${JSON.stringify(res)}`);
    longest = Math.max(longest, res.ms);
    await clean();
  }
  return longest;
}

/** The outcome's shape, given whether the operation's objects stand. */
function assertOutcome(res: Outcome, made: boolean, success: RegExp, signal: (typeof SIGNALS)[number], label: string): void {
  const where = `${label}: ${JSON.stringify(res)}`;
  assert.not.match(res.stderr, /unexpected failure|at .*\.js:\d+/, where);
  if (made) {
    if (res.code === 0) {
      assert.match(res.stdout + res.stderr, success, where);
      return;
    }
    assert.ok(res.sent, `failed without a signal: ${where}`);
    // A signal in the last instant of the exit, after the success message, meets Node's default
    // disposition and ends the process by the signal: the command had completed and said so.
    if (res.code === null && res.signal === signal && success.test(res.stdout + res.stderr)) return;
    assert.is(res.code, EXIT[signal], where);
    assert.match(res.stderr, /interrupted: (the command completed|.* (were|was) created .* and stay)/, where);
    return;
  }
  assert.ok(res.sent, `made nothing without a signal: ${where}`);
  assert.not.match(res.stdout + res.stderr, success, `a success message with nothing made: ${where}`);
  // Ended by our handler (130/143), or by the signal itself before the handler was installed.
  assert.ok(res.code === EXIT[signal] || res.signal === signal, where);
}

const tally = (results: boolean[]) => `${results.filter(Boolean).length} completed, ${results.filter((r) => !r).length} left nothing`;

test(`token redeem: ${RUNS} interrupts, each leaves the Secret and Link with one use spent, or nothing and no use spent`, async () => {
  const { west, east } = await twoSites();
  await grantServer(west); // serves for the whole test: a long-running command has no deadline
  const { file, token } = await issue(west, '--redemptions-allowed', String(RUNS + MEASURED));
  const c = await cluster();
  const eastClient = await adminClient(east);
  const westClient = await adminClient(west);
  const args = (name: string) => ['token', 'redeem', file, '--name', name, '--kubeconfig', c.kubeconfig, '-n', east];
  const uses = async () => (await westClient.get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions ?? 0;
  const clean = async (name: string) => {
    await eastClient.delete(LINKS, name).catch(() => undefined);
    await eastClient.delete(SECRETS, name).catch(() => undefined);
  };
  const base = await clusterSnapshot(east);
  const duration = await measure((i) => args(`measured-${i}`), async () => {
    for (let i = 0; i < MEASURED; i++) await clean(`measured-${i}`);
  });
  const results: boolean[] = [];
  for (const [i, at] of offsets(duration).entries()) {
    const name = `r-${i}`;
    const signal = SIGNALS[i % 2]!;
    const spent = await uses();
    const res = await interruptAt(args(name), at, signal);
    const secret = await eastClient.find(SECRETS, name);
    const link = await eastClient.find(LINKS, name);
    const label = `run ${i} at ${at} ms of ${duration} (${signal})`;
    const made = secret !== undefined || link !== undefined;
    if (made) {
      assert.ok(secret && link, `half-made: Secret ${Boolean(secret)}, Link ${Boolean(link)}: ${label} ${JSON.stringify(res)}`);
      assert.is(link.spec.tlsCredentials, name, label);
      assert.is(await uses(), spent + 1, `one use spent: ${label}`);
    } else {
      assert.equal(await clusterSnapshot(east), base, `nothing left: ${label}`);
      assert.is(await uses(), spent, `no use spent: ${label} ${JSON.stringify(res)}`);
    }
    assertOutcome(res, made, /redeemed: Link "r-\d+" created/, signal, label);
    results.push(made);
    await clean(name);
  }
  assert.equal(await clusterSnapshot(east), base);
  console.log(`      token redeem: ${tally(results)} (${duration} ms undisturbed)`);
});

test(`link sites: ${RUNS} interrupts, each leaves the Secret with all its Links, or nothing`, async () => {
  const { west, east } = await twoSites();
  const kubeconfig = await kubeconfigWith([
    { name: 'w', namespace: west, cluster: 'local' },
    { name: 'e', namespace: east, cluster: 'local' },
  ]);
  const eastClient = await adminClient(east);
  const args = ['link', 'sites', '--kubeconfig', kubeconfig, '--from', 'e', '--to', 'w'];
  const clean = async () => {
    for (const l of (await eastClient.list(LINKS)).items) await eastClient.delete(LINKS, l.metadata.name).catch(() => undefined);
    await eastClient.delete(SECRETS, 'link-west').catch(() => undefined);
  };
  const base = await clusterSnapshot(east);
  const duration = await measure(() => args, clean);
  const results: boolean[] = [];
  for (const [i, at] of offsets(duration).entries()) {
    const signal = SIGNALS[i % 2]!;
    const res = await interruptAt(args, at, signal);
    const label = `run ${i} at ${at} ms of ${duration} (${signal})`;
    const secret = await eastClient.find(SECRETS, 'link-west');
    const links = (await eastClient.list(LINKS)).items;
    const made = secret !== undefined || links.length > 0;
    if (made) {
      assert.ok(secret, `Links without their Secret: ${label} ${JSON.stringify(res)}`);
      assert.equal(links.map((l) => [l.metadata.name, l.spec.tlsCredentials]), [['link-west-skupper-router', 'link-west']], `the Secret without its Link: ${label} ${JSON.stringify(res)}`);
    } else {
      assert.equal(await clusterSnapshot(east), base, `nothing left: ${label}`);
    }
    assertOutcome(res, made, /links to site "west" .* with Link "link-west-skupper-router" and Secret "link-west"/, signal, label);
    results.push(made);
    await clean();
    // The next run is not refused: nothing of this one is in its way.
  }
  assert.equal(await clusterSnapshot(east), base);
  console.log(`      link sites: ${tally(results)} (${duration} ms undisturbed)`);
});

test(`link generate --via-controller --output-file: ${RUNS} interrupts, each leaves the Certificate, its Secret and a whole file, or none of them`, async () => {
  const { west } = await twoSites();
  const client = await adminClient(west);
  const c = await cluster();
  const dir = workDir();
  const out = join(dir, 'link.yaml');
  const args = ['link', 'generate', '--via-controller', '--output-file', out, '--kubeconfig', c.kubeconfig, '-n', west];
  const clean = async () => {
    await client.delete(CERTIFICATES, 'link-west').catch(() => undefined);
    await client.delete(SECRETS, 'link-west').catch(() => undefined);
    rmSync(out, { force: true });
  };
  const owned = async () => (await clusterSnapshot(west)).filter((r) => r.includes('link-west'));
  const duration = await measure(() => args, clean);
  const results: boolean[] = [];
  for (const [i, at] of offsets(duration).entries()) {
    const signal = SIGNALS[i % 2]!;
    const res = await interruptAt(args, at, signal);
    const label = `run ${i} at ${at} ms of ${duration} (${signal})`;
    const certificate = await client.find(CERTIFICATES, 'link-west');
    const secret = await client.find(SECRETS, 'link-west');
    const files = readdirSync(dir);
    const made = certificate !== undefined || secret !== undefined || files.length > 0;
    if (made) {
      assert.ok(certificate && secret?.data?.['tls.key'], `the Certificate or its Secret is missing: ${label} ${JSON.stringify(res)}`);
      assert.equal(files, ['link.yaml'], `the manifest, and no temporary file: ${label} ${JSON.stringify(res)}`);
      const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => (d.toJS() as { kind: string }).kind);
      assert.equal(docs, ['Secret', 'Link'], `a whole manifest: ${label}`);
    } else {
      assert.equal(await owned(), [], `nothing left: ${label}`);
    }
    assertOutcome(res, made, /Link manifest written to /, signal, label);
    results.push(made);
    await clean();
  }
  console.log(`      link generate --via-controller: ${tally(results)} (${duration} ms undisturbed)`);
});

test(`token issue: ${RUNS} interrupts, each leaves the AccessGrant and a whole token file, or neither`, async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const c = await cluster();
  const client = await adminClient(west);
  const dir = workDir();
  const args = (file: string) => ['token', 'issue', file, '--kubeconfig', c.kubeconfig, '-n', west];
  const grants = async () => (await client.list(ACCESS_GRANTS)).items.map((g) => g.metadata.name);
  const clean = async () => {
    for (const g of await grants()) await client.delete(ACCESS_GRANTS, g).catch(() => undefined);
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { force: true });
  };
  // The first issue makes the site's signing keys: measured, and out of the way of the runs.
  const duration = await measure((i) => args(join(dir, `measured-${i}.yaml`)), clean);
  const base = await clusterSnapshot(west);
  const results: boolean[] = [];
  for (const [i, at] of offsets(duration).entries()) {
    const signal = SIGNALS[i % 2]!;
    const file = join(dir, `t-${i}.yaml`);
    const res = await interruptAt(args(file), at, signal);
    const label = `run ${i} at ${at} ms of ${duration} (${signal})`;
    const names = await grants();
    const files = readdirSync(dir);
    const made = names.length > 0 || files.length > 0;
    if (made) {
      assert.equal(files, [`t-${i}.yaml`], `the token file, and no temporary file: ${label} ${JSON.stringify(res)}`);
      const token = parse(readFileSync(file, 'utf8')) as AccessToken;
      assert.equal(names, [token.metadata.name], `the grant the token names: ${label} ${JSON.stringify(res)}`);
      assert.ok(token.spec.code && token.spec.url && token.spec.ca, `a whole token: ${label}`);
    } else {
      assert.not.ok(existsSync(file), label);
      assert.equal(await clusterSnapshot(west), base, `nothing left: ${label}`);
    }
    assertOutcome(res, made, /Token file .* written/, signal, label);
    results.push(made);
    await clean();
  }
  console.log(`      token issue: ${tally(results)} (${duration} ms undisturbed)`);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
