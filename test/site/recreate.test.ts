// A site deleted and created again in the same namespace becomes Ready without help, with and
// without link access, and under another name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SITES } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
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
    const before = await (await adminClient(ns)).get(SITES, first);
    const deleted = await run(ns, 'site', 'delete', first, '--timeout', '30s');
    assert.is(deleted.code, 0, deleted.stderr);
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
