// Long-running commands (grant-server, -w) have no command-wide deadline: past --timeout they go on
// renewing Leases, redeeming and watching, and a signal stops the grant server cleanly.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LEASE_NAME } from '../../src/grants/lease.js';
import { CONNECTORS, LEASES, LINKS, LISTENERS, SITES, type ResourceType } from '../../src/kube/resources.js';
import { adminClient, cluster, stopStandIns } from '../support/cluster.js';
import { BIN, grantServer, issue, run, stopGrantServers, twoSites } from '../token/support.js';

/** What a command whose deadline ran out would log. */
const DEADLINE_ERROR = /\(--timeout\)|before the request could start/;

async function until(what: string, check: () => Promise<boolean> | boolean, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('grant-server --timeout 2s serves past it: renews its Lease twice, redeems, and SIGTERM gives the Lease up', async () => {
  const { west, east } = await twoSites();
  // Watches of 1 s: several end and are made again while this runs.
  const server = await grantServer(west, ['--timeout', '2s'], '127.0.0.1:0', { KUBECTL_SKUPPER_TEST_WATCH_SECONDS: '1' });
  const client = await adminClient(west);
  const renewals = new Set<string>();
  // Renewals come every 5 s: two more than the first take the server well past --timeout.
  await until('the Lease was renewed twice', async () => {
    renewals.add((await client.get(LEASES, LEASE_NAME)).spec.renewTime ?? '');
    return renewals.size >= 3;
  });
  const { file } = await issue(west);
  const redeemed = await run(east, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
  assert.not.match(server.log(), DEADLINE_ERROR);
  assert.match((await client.get(LEASES, LEASE_NAME)).spec.holderIdentity!, new RegExp(`/${server.process.pid}$`));
  assert.is(await server.stop('SIGTERM'), 0);
  assert.match(server.log(), /SIGTERM: stopping\n.*stopped\n$/);
  assert.is((await client.get(LEASES, LEASE_NAME)).spec.holderIdentity, undefined, 'the Lease names no dead holder');
});

test('grant-server stopped by SIGINT past --timeout gives its Lease up too', async () => {
  const { west } = await twoSites();
  const server = await grantServer(west, ['--timeout', '1s']);
  const client = await adminClient(west);
  const first = (await client.get(LEASES, LEASE_NAME)).spec.renewTime;
  await until('the Lease was renewed', async () => (await client.get(LEASES, LEASE_NAME)).spec.renewTime !== first);
  await server.stop('SIGINT');
  assert.match(server.log(), /SIGINT: stopping\n.*stopped\n$/);
  assert.not.match(server.log(), DEADLINE_ERROR);
  assert.is((await client.get(LEASES, LEASE_NAME)).spec.holderIdentity, undefined);
});

// Every -w: site, link, listener and connector status share streamList, but each command says
// for itself that it is long-running (listener and connector once did not, and died at --timeout).
const WATCHED = [
  { kind: 'site', type: SITES, make: undefined },
  { kind: 'link', type: LINKS, make: { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: 'west' }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '55671' }], tlsCredentials: 'west', cost: 1 } } },
  { kind: 'listener', type: LISTENERS, make: { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name: 'west' }, spec: { routingKey: 'west', host: 'west', port: 80 } } },
  { kind: 'connector', type: CONNECTORS, make: { apiVersion: 'skupper.io/v2alpha1', kind: 'Connector', metadata: { name: 'west' }, spec: { routingKey: 'west', host: 'west.example.com', port: 80 } } },
] as const;

for (const { kind, type: t, make } of WATCHED) {
  const type = t as ResourceType<unknown>;
  test(`${kind} status -w --timeout 1s keeps watching past it, across watches that end and start again, and exits 130 on SIGINT`, async () => {
    const { west } = await twoSites();
    const c = await cluster();
    const client = await adminClient(west);
    if (make) await client.create(type, make);
    const child = spawn(BIN, [kind, 'status', '-w', '--timeout', '1s', '-v', '6', '--kubeconfig', c.kubeconfig, '-n', west, '-o', 'custom-columns=NAME:.metadata.name,MARK:.metadata.labels.mark'], {
      env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', KUBECTL_SKUPPER_TEST_WATCH_SECONDS: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await until(`the ${kind} is listed`, () => /^west\s/m.test(out));
      // Each mark is set well after the last: past --timeout and past several 1 s watches.
      for (const mark of ['first', 'second', 'third']) {
        await new Promise((r) => setTimeout(r, 1500));
        await client.patch(type, 'west', { metadata: { labels: { mark } } });
        await until(`the change "${mark}" is printed`, () => new RegExp(`^west\\s+${mark}$`, 'm').test(out), 15_000);
      }
      // stderr holds the -v 6 request log and nothing else: no error, and a watch made again and again.
      const requests = err.split('\n').filter(Boolean);
      assert.equal(requests.filter((l) => !/^(kubeconfig: |GET \S+ 200 OK in \d+ milliseconds$)/.test(l)), []);
      assert.ok(requests.filter((l) => new RegExp(`/${type.plural}\\?\\S*watch=true`).test(l)).length >= 3, err);
      assert.is(child.exitCode, null, 'still running');
    } finally {
      child.kill('SIGINT');
    }
    assert.is(await exited, 130, err);
  });
}

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
