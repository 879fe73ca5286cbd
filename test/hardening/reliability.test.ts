// Refused and half-applied, said plainly: token redeem and token issue check their permissions
// before they spend a token's use or make anything, and a change that stays after a failed wait
// or a signal (site create, site update, link update) is named with the commands that inspect or
// remove it, keeping the invocation's --kubeconfig, --context and -n.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCESS_GRANTS, LINKS, LISTENERS, SITES } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { BIN, grantServer, issue, stopGrantServers, twoSites, workDir } from '../token/support.js';
import { assertRefusal, clusterSnapshot, userKubeconfig } from './support.js';

const as = (kubeconfig: string, ...args: string[]) => plugin([...args, '--kubeconfig', kubeconfig]);

test('token redeem without "delete" on secrets: refused before the use is spent, naming it; nothing made', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { file, token } = await issue(west);
  const user = await userKubeconfig(east, 'token-redeemer.yaml', { verb: 'delete', resource: 'secrets' });
  const before = await clusterSnapshot(east);
  const res = await as(user.kubeconfig, 'token', 'redeem', file);
  assertRefusal(res, 1, /^error: you may not delete secrets in namespace "[^"]+", which redeeming token "[^"]+" needs \(the token was not used and nothing was made\): ask your cluster admin/, 'redeem without delete secrets');
  assert.equal(await clusterSnapshot(east), before);
  const grant = await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name);
  assert.is(grant.status?.redemptions ?? 0, 0, 'the use is not spent');
  // With the permission, the same token still works: its one use was kept.
  const ok = await userKubeconfig(east, 'token-redeemer.yaml');
  const redeemed = await as(ok.kubeconfig, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
});

test('token issue by a user who may create AccessGrants but not list or delete them: refused before the grant is made', async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const user = await userKubeconfig(west, 'token-issuer.yaml', { verb: 'delete', resource: 'accessgrants' });
  const before = (await (await adminClient(west)).list(ACCESS_GRANTS)).items.length;
  const res = await as(user.kubeconfig, 'token', 'issue', join(workDir(), 't.yaml'));
  assertRefusal(res, 1, /^error: you may not delete accessgrants\.skupper\.io in namespace "[^"]+", which issuing a token needs \(nothing was made\)/, 'issue without delete accessgrants');
  const noList = await userKubeconfig(west, 'token-issuer.yaml', { verb: 'list', resource: 'accessgrants' });
  assertRefusal(await as(noList.kubeconfig, 'token', 'issue', join(workDir(), 't.yaml')), 1, /you may not list accessgrants\.skupper\.io/, 'issue without list accessgrants');
  assert.is((await (await adminClient(west)).list(ACCESS_GRANTS)).items.length, before, 'no grant left');
});

test('site create whose wait times out: the Site stays, and the message says so with the commands to check and remove it', async () => {
  const ns = await freshNamespace('stays'); // no controller: the site never becomes ready
  const c = await cluster();
  const res = await plugin(['site', 'create', 'west', '--timeout', '2s', '--kubeconfig', c.kubeconfig, '--context', 'west', '-n', ns]);
  assert.is(res.code, 1, res.stderr);
  assert.is(res.stdout, '');
  const flags = ` --kubeconfig ${c.kubeconfig} --context west -n ${ns}`;
  assert.match(res.stderr, /^error: Site "west" is not ready after 2s: [^\n]*\n$/);
  assert.ok(res.stderr.includes(`; Site "west" was created but is not ready yet; check: kubectl skupper site status${flags}; remove: kubectl skupper site delete${flags}\n`), res.stderr);
  assert.ok(await (await adminClient(ns)).find(SITES, 'west'), 'the Site stays');
  // A re-run is refused naming what is there and how to see it.
  const again = await plugin(['site', 'create', 'west', '--timeout', '2s', '--kubeconfig', c.kubeconfig, '--context', 'west', '-n', ns]);
  assert.is(again.code, 1);
  assert.ok(again.stderr.includes(`already has a site ("west"); a namespace holds one site: change it with "kubectl skupper site update${flags}", or see it with "kubectl skupper site status${flags}"`), again.stderr);
  // The suggested command works as pasted.
  const removed = await plugin(['site', 'delete', '--kubeconfig', c.kubeconfig, '--context', 'west', '-n', ns, '--no-wait']);
  assert.is(removed.code, 0, removed.stderr);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during site create's wait: exit ${signal === 'SIGINT' ? 130 : 143}, saying the Site stays and how to check or remove it`, async () => {
    const ns = await freshNamespace('stays');
    const c = await cluster();
    const client = await adminClient(ns);
    const child = spawn(BIN, ['site', 'create', 'west', '--timeout', '60s', '--kubeconfig', c.kubeconfig, '-n', ns], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!(await client.find(SITES, 'west'))) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `the site never appeared: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill(signal);
    assert.is(await exited, signal === 'SIGINT' ? 130 : 143, stderr);
    assert.is(stdout, '');
    const flags = ` --kubeconfig ${c.kubeconfig} -n ${ns}`;
    assert.is(stderr, `interrupted: Site "west" was created but is not ready yet; check: kubectl skupper site status${flags}; remove: kubectl skupper site delete${flags}\n`);
    assert.ok(await client.find(SITES, 'west'), 'the Site stays');
  });
}

test('site update and link update whose wait times out: the change stays, and the message says so', async () => {
  const ns = await freshNamespace('stays');
  const c = await cluster();
  const client = await adminClient(ns);
  await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'west' }, spec: {} });
  const flags = ` --kubeconfig ${c.kubeconfig} -n ${ns}`;
  const site = await plugin(['site', 'update', '--enable-ha', '--timeout', '1s', '--kubeconfig', c.kubeconfig, '-n', ns]);
  assert.is(site.code, 1, site.stderr);
  assert.ok(site.stderr.includes(`; the change stays: Site "west" was updated (HA enabled) but is not ready yet; check: kubectl skupper site status${flags}\n`), site.stderr);
  assert.is((await client.get(SITES, 'west')).spec.ha, true);
  await client.create(LINKS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: 'to-east' }, spec: { endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '55671' }], tlsCredentials: 'to-east', cost: 1 } });
  const link = await plugin(['link', 'update', 'to-east', '--cost', '4', '--timeout', '1s', '--kubeconfig', c.kubeconfig, '-n', ns]);
  assert.is(link.code, 1, link.stderr);
  assert.ok(link.stderr.includes(`; the change stays: Link "to-east" was updated (cost changed from 1 to 4) but is not ready yet; check: kubectl skupper link status to-east${flags}\n`), link.stderr);
  assert.is((await client.get(LINKS, 'to-east')).spec.cost, 4);
});

test('a suggested command keeps the --kubeconfig, --context and -n given', async () => {
  const ns = await freshNamespace('flags');
  const c = await cluster();
  const res = await plugin(['link', 'status', 'nope', '--kubeconfig', c.kubeconfig, '--context', 'east', '-n', ns]);
  assert.is(res.code, 1);
  assert.is(res.stderr, `error: there is no link "nope" in namespace "${ns}": see "kubectl skupper link status --kubeconfig ${c.kubeconfig} --context east -n ${ns}"\n`);
  const noSite = await plugin(['link', 'generate', '--kubeconfig', c.kubeconfig, '-n', ns]);
  assert.ok(noSite.stderr.includes(`create one with "kubectl skupper site create <name> --kubeconfig ${c.kubeconfig} -n ${ns}"`), noSite.stderr);
});

test('every command a listener, connector, link or site error suggests keeps the --kubeconfig, --context and -n given; -w on a missing one says so', async () => {
  const ns = await freshNamespace('flags'); // no controller: creates never become configured
  const c = await cluster();
  const client = await adminClient(ns);
  await client.create(LISTENERS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name: 'existing' }, spec: { routingKey: 'existing', host: 'existing', port: 80 } });
  const target = ['--kubeconfig', c.kubeconfig, '--context', 'east', '-n', ns];
  const flags = ` --kubeconfig ${c.kubeconfig} --context east -n ${ns}`;
  const cases: string[][] = [
    ['link', 'status', 'nope'],
    ['link', 'status', 'nope', '-w'],
    ['site', 'status', 'nope', '-w'],
    ['listener', 'status', 'nope'],
    ['listener', 'status', 'nope', '-w'],
    ['connector', 'status', 'nope', '-w'],
    ['listener', 'update', 'nope', '--port', '81'],
    ['connector', 'delete', 'nope'],
    ['listener', 'create', 'existing', '80'],
    ['listener', 'create', 'other', '80', '--tls-credentials', 'nope'],
    ['connector', 'create', 'api', '80', '--workload', 'deployment/nope'],
    ['connector', 'create', 'api', '80', '--timeout', '1s'],
  ];
  for (const args of cases) {
    // A watch that waited for a missing object would never end: bound it here.
    const res = await Promise.race([plugin([...args, ...target]), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${args.join(' ')} did not end`)), 20_000))]);
    const label = `${args.join(' ')}: ${JSON.stringify(res)}`;
    assert.is(res.code, 1, label);
    assert.is(res.stderr.split('\n').length, 2, `one line: ${label}`);
    const suggested = [...res.stderr.matchAll(/"(kubectl [^"]+)"/g)].map((m) => m[1]!);
    assert.ok(suggested.length > 0, `a command is suggested: ${label}`);
    for (const command of suggested) assert.ok(command.includes(flags), `"${command}" keeps${flags}: ${label}`);
  }
  const watched = await plugin(['listener', 'status', 'nope', '-w', ...target]);
  assert.is(watched.stderr, `error: there is no listener "nope" in namespace "${ns}": see "kubectl skupper listener status${flags}"\n`);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
