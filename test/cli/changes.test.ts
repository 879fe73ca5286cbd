// --dry-run on the commands that change objects, site delete --all, link update, help <command>
// and --version, against the real API server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCESS_GRANTS, LINKS, SECRETS, SITES, type Link } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { usageFails } from './assert-cli.js';

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

function linkObject(name: string): Link {
  return { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name, labels: { keep: 'me' } }, spec: { endpoints: [{ name: 'inter-router', host: '10.0.0.1', port: '55671', group: 'g' }], tlsCredentials: 'creds', cost: 2, settings: { a: 'b' } } };
}

test('--dry-run=client and =server create, change and delete nothing; server checks with the API server', async () => {
  const ns = await freshNamespace('dryrun');
  const client = await adminClient(ns);
  for (const mode of ['client', 'server']) {
    const res = await run(ns, 'site', 'create', 'west', `--dry-run=${mode}`);
    assert.is(res.code, 0, res.stderr);
    assert.is(res.stdout, `Site "west" is created (${mode} dry run: nothing was changed).\n`);
  }
  assert.is((await client.list(SITES)).items.length, 0);
  // The server dry run goes through RBAC: "nobody" may not create Sites.
  const c = await cluster();
  const denied = await plugin(['site', 'create', 'west', '--dry-run', 'server', '--kubeconfig', c.kubeconfig, '--context', 'nobody', '-n', ns]);
  assert.is(denied.code, 1);
  assert.match(denied.stderr, /not allowed/);

  await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'west' }, spec: {} });
  const update = await run(ns, 'site', 'update', '--enable-link-access', '--dry-run=server');
  assert.is(update.code, 0, update.stderr);
  assert.match(update.stdout, /is updated \(server dry run: nothing was changed\): link access enabled \(default\)/);
  assert.is((await client.get(SITES, 'west')).spec.linkAccess, undefined);
  for (const mode of ['client', 'server']) {
    const del = await run(ns, 'site', 'delete', `--dry-run=${mode}`);
    assert.is(del.code, 0, del.stderr);
    assert.ok(await client.find(SITES, 'west'), mode);
  }
  await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', labels: { 'app.kubernetes.io/managed-by': 'kubectl-skupper' } }, data: {} });
  await client.create(LINKS, linkObject('l1'));
  const linkDel = await run(ns, 'link', 'delete', 'l1', '--dry-run=server');
  assert.is(linkDel.code, 0, linkDel.stderr);
  assert.ok(await client.find(LINKS, 'l1'));
  assert.ok(await client.find(SECRETS, 'creds'));
  usageFails(await run(ns, 'site', 'delete', '--dry-run=maybe'), '--dry-run=maybe');
});

test('site delete --all removes the site and every other Skupper resource of the namespace', async () => {
  const ns = await freshNamespace('delall');
  const client = await adminClient(ns);
  await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'west' }, spec: {} });
  await client.create(LINKS, linkObject('l1'));
  await client.create(ACCESS_GRANTS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessGrant', metadata: { name: 'g1' }, spec: { redemptionsAllowed: 1, expirationWindow: '15m' } });
  const res = await run(ns, 'site', 'delete', '--all');
  assert.is(res.code, 0, res.stderr);
  assert.is(res.stdout, 'Site "west" is deleted, with 2 other Skupper resources (link/l1, accessgrant/g1).\n');
  assert.is((await client.list(SITES)).items.length, 0);
  assert.is((await client.list(LINKS)).items.length, 0);
  assert.is((await client.list(ACCESS_GRANTS)).items.length, 0);
});

test('link update changes only cost and credentials, as a merge patch', async () => {
  const ns = await freshNamespace('linkupd');
  const client = await adminClient(ns);
  await client.create(LINKS, linkObject('l1'));
  const dry = await run(ns, 'link', 'update', 'l1', '--cost', '7', '--dry-run=server');
  assert.is(dry.code, 0, dry.stderr);
  assert.is((await client.get(LINKS, 'l1')).spec.cost, 2);
  const res = await run(ns, 'link', 'update', 'l1', '--cost', '7', '--wait', 'none');
  assert.is(res.code, 0, res.stderr);
  assert.is(res.stdout, 'Link "l1" is updated: cost changed from 2 to 7.\n');
  const link = await client.get(LINKS, 'l1');
  assert.is(link.spec.cost, 7);
  assert.equal(link.spec.settings, { a: 'b' });
  assert.equal(link.metadata.labels, { keep: 'me' });
  assert.is(link.spec.tlsCredentials, 'creds');
  const missing = await run(ns, 'link', 'update', 'l1', '--tls-credentials', 'other.creds', '--wait', 'none');
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /there is no Secret "other.creds"/);
  await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other.creds' }, data: {} });
  const creds = await run(ns, 'link', 'update', 'l1', '--tls-credentials', 'other.creds', '--wait', 'none');
  assert.is(creds.code, 0, creds.stderr);
  assert.is((await client.get(LINKS, 'l1')).spec.tlsCredentials, 'other.creds');
  const same = await run(ns, 'link', 'update', 'l1', '--cost', '7');
  assert.is(same.stdout, 'Link "l1" is unchanged: cost is already 7.\n');
  usageFails(await run(ns, 'link', 'update', 'l1'), 'nothing to update');
  usageFails(await run(ns, 'link', 'update', 'l1', '--cost', '1.5'), '--cost 1.5');
});

test('help <command> is <command> --help; --version is version', async () => {
  const help = await plugin(['help', 'site', 'create']);
  assert.is(help.code, 0);
  assert.is(help.stdout, (await plugin(['site', 'create', '--help'])).stdout);
  assert.match(help.stdout, 'kubectl skupper site create');
  const version = await plugin(['--version']);
  assert.is(version.code, 0);
  assert.is(version.stdout, (await plugin(['version'])).stdout);
  assert.is((await plugin(['help'])).stdout, (await plugin(['--help'])).stdout);
});

test.run();
