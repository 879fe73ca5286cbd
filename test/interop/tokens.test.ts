// Tokens across the real upstream controller and the upstream `skupper` CLI, both directions
// (interop mode only): our tokens served by the upstream grant server, upstream tokens redeemed by
// us, and our token files redeemed by the upstream CLI and controller through our grant server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ACCESS_GRANTS, ACCESS_TOKENS, LINKS, SECRETS, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { grantServer, run, stopGrantServers, workDir } from '../token/support.js';
import { skupper } from './upstream.js';

/** West accepts links, its grants served by the upstream controller or not; east links to it. */
async function sites(upstreamGrants: boolean) {
  const west = await freshNamespace('twest');
  const east = await freshNamespace('teast');
  await standIn(west, { upstreamGrants });
  await standIn(east);
  const w = await run(west, 'site', 'create', 'west', '--enable-link-access', '--timeout', '60s');
  assert.is(w.code, 0, w.stderr);
  const e = await run(east, 'site', 'create', 'east', '--timeout', '60s');
  assert.is(e.code, 0, e.stderr);
  return { west, east };
}

async function linkReady(east: string, name: string): Promise<void> {
  const ready = await run(east, 'link', 'status', name, '--wait', 'ready', '--timeout', '60s');
  assert.is(ready.code, 0, ready.stderr);
}

test('a token we issue where the upstream controller serves grants: its grant server fills the status and honours our JWT', async () => {
  const { west, east } = await sites(true);
  const file = join(workDir(), 'west.yaml');
  const issued = await run(west, 'token', 'issue', file);
  assert.is(issued.code, 0, issued.stderr);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  const grant = await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name);
  assert.is(grant.status?.code, grant.spec.code, 'the upstream grant server kept our code');
  assert.is(token.spec.code.split('.').length, 3);
  assert.is(token.spec.url, grant.status?.url);
  assert.ok(grant.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const redeemed = await run(east, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
  await linkReady(east, token.metadata.name);
  const again = await run(east, 'token', 'redeem', file, '--name', 'second');
  assert.is(again.code, 1);
  assert.match(again.stderr, /is used up \(1 of 1 redemptions made\)/);
});

test('a token the upstream CLI issues is redeemed by kubectl skupper token redeem', async () => {
  const { west, east } = await sites(true);
  const c = await cluster();
  const dir = workDir();
  const issued = await skupper(c.kubeconfig, west, ['token', 'issue', join(dir, 'up.yaml')], { cwd: dir });
  assert.is(issued.code, 0, issued.stdout + issued.stderr);
  const file = join(dir, 'up.yaml');
  const inspect = await plugin(['token', 'inspect', file]);
  assert.match(inspect.stdout, /Code:\s+not a JWT \(made by upstream Skupper\)/);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  const redeemed = await run(east, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
  const secret = await (await adminClient(east)).get(SECRETS, token.metadata.name);
  assert.is(secret.type, 'kubernetes.io/tls');
  await linkReady(east, token.metadata.name);
});

test('skupper token redeem (upstream CLI and controller) redeems our token file through our grant server, JWT and all', async () => {
  const { west, east } = await sites(false);
  const server = await grantServer(west);
  const c = await cluster();
  const dir = workDir();
  const file = join(dir, 'west.yaml');
  assert.is((await run(west, 'token', 'issue', file)).code, 0);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  assert.ok(token.spec.url.startsWith(server.url));
  const redeemed = await skupper(c.kubeconfig, east, ['token', 'redeem', file, '--timeout', '60s'], { cwd: dir });
  assert.is(redeemed.code, 0, redeemed.stdout + redeemed.stderr);
  const eastClient = await adminClient(east);
  assert.is((await eastClient.get(ACCESS_TOKENS, token.metadata.name)).status?.redeemed, true);
  assert.ok(await eastClient.find(LINKS, token.metadata.name));
  assert.match(await server.logMatching(/outcome=redeemed/), new RegExp(`grant=${west}/${token.metadata.name} outcome=redeemed uses=1/1`));
  await linkReady(east, token.metadata.name);
});

test('token redeem --via-controller: the upstream controller redeems our token through our grant server', async () => {
  const { west, east } = await sites(false);
  await grantServer(west);
  const file = join(workDir(), 'west.yaml');
  assert.is((await run(west, 'token', 'issue', file)).code, 0);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  const res = await run(east, 'token', 'redeem', file, '--via-controller');
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, new RegExp(`Token "${token.metadata.name}" redeemed: Link "${token.metadata.name}" created`));
  await linkReady(east, token.metadata.name);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
