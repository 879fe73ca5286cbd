// A site deleted and created again in the same namespace becomes Ready without help, with and
// without link access, and under another name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SITES } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { DEPLOYMENTS, PODS } from '../stand-in/kinds.js';
import { plugin } from '../support/plugin.js';

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

for (const [label, first, second, flags] of [
  ['with link access', 'west', 'west', ['--enable-link-access']],
  ['without link access', 'west', 'west', []],
  ['under another name', 'west', 'north', ['--enable-link-access']],
] as const) {
  test(`a site deleted and created again becomes Ready (${label})`, async () => {
    const ns = await freshNamespace('recreate');
    await standIn(ns);
    const created = await run(ns, 'site', 'create', first, ...flags, '--timeout', '30s');
    assert.is(created.code, 0, created.stderr);
    const client = await adminClient(ns);
    const before = await client.get(SITES, first);
    const old = (await client.get(DEPLOYMENTS, 'skupper-router')).metadata.uid;
    const deleted = await run(ns, 'site', 'delete', first, '--timeout', '30s');
    assert.is(deleted.code, 0, deleted.stderr);
    // A cluster's garbage collector removes the old Site's router Deployment a moment after the
    // Site goes (here the router stand-in plays it). Creating the new Site before that is a race
    // the real controller loses for good ("skupper-router is not owned by skupper site <uid>"),
    // as it would in a real cluster: wait as long as a real collector takes, at most.
    // Its Pods go after it: one deleted once the new Site is Ready makes the real controller mark
    // that Site Pending (not Running) for a moment (interop mode saw it), so wait for them too.
    const leftovers = async () => (await client.find(DEPLOYMENTS, 'skupper-router')) !== undefined || (await client.list(PODS)).items.some((p) => p.metadata.ownerReferences?.some((r) => r.uid === old));
    for (let i = 0; i < 300 && (await leftovers()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.not.ok(await leftovers(), 'the garbage collector removed the old router Deployment and its Pods');
    const again = await run(ns, 'site', 'create', second, ...flags, '--timeout', '30s');
    assert.is(again.stderr, '');
    assert.is(again.stdout, `Site "${second}" is ready.\n`);
    assert.is(again.code, 0);
    const site = await (await adminClient(ns)).get(SITES, second);
    assert.is.not(site.metadata.uid, before.metadata.uid, 'a new site');
    assert.is(site.status?.status, 'Ready');
    if (flags.length > 0) assert.ok(site.status?.endpoints?.length, 'the new site has its endpoints');
  });
}

test.after.each(async () => {
  await stopStandIns();
});

test.run();
