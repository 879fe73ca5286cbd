import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The site commands' checks that run before any cluster call, and site generate, which never makes one.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { plugin } from '../support/plugin.js';
import { failsWith, usageFails } from './assert-cli.js';

const LINK_ACCESS_TYPES = ['default', 'local', 'loadbalancer', 'route', 'nodeport', 'ingress', 'ingress-nginx', 'contour-http-proxy', 'gateway', 'none'];
/** A kubeconfig that cannot be parsed: any command that reads it fails. */
const INVALID_KUBECONFIG = fileURLToPath(new URL('../fixtures/kubeconfig/invalid.yaml', import.meta.url));

test('site create --link-access-type without --enable-link-access: exit 2', async () => {
  const line = usageFails(await plugin(['site', 'create', 'x', '--link-access-type', 'route']), 'site create --link-access-type');
  assert.match(line, '--link-access-type');
  assert.match(line, '--enable-link-access');
});

test('site create with an invalid name: exit 2, the line names it', async () => {
  const line = usageFails(await plugin(['site', 'create', 'BadName']), 'site create BadName');
  assert.match(line, '"BadName"');
  assert.match(usageFails(await plugin(['site', 'create', 'trailing-dash-']), 'site create trailing-dash-'), '"trailing-dash-"');
  assert.match(usageFails(await plugin(['site', 'create', 'a'.repeat(64)]), 'site create <64 chars>'), 'a'.repeat(64));
});

test('site create with an unknown link access type: exit 2, the line lists the valid ones', async () => {
  const line = usageFails(await plugin(['site', 'create', 'x', '--enable-link-access', '--link-access-type', 'nope']), 'site create --link-access-type nope');
  assert.match(line, '"nope"');
  for (const type of LINK_ACCESS_TYPES) assert.match(line, type, type);
});

test('site create with an unknown --wait: exit 2', async () => {
  const line = usageFails(await plugin(['site', 'create', 'x', '--wait', 'forever']), 'site create --wait forever');
  assert.match(line, '"forever"');
});

test('site update --enable-link-access --disable-link-access: exit 2, names both', async () => {
  const line = usageFails(await plugin(['site', 'update', '--enable-link-access', '--disable-link-access']), 'site update enable+disable');
  assert.match(line, '--enable-link-access');
  assert.match(line, '--disable-link-access');
  const ha = usageFails(await plugin(['site', 'update', '--enable-ha', '--disable-ha']), 'site update ha both');
  assert.match(ha, '--enable-ha');
});

test('site update with nothing to change: exit 2, the line lists the flags', async () => {
  const line = usageFails(await plugin(['site', 'update']), 'site update');
  assert.match(line, '--enable-link-access');
  assert.match(line, '--disable-ha');
  usageFails(await plugin(['site', 'update', 'west']), 'site update west');
});

test('--timeout that is not a duration: exit 2 on cluster commands', async () => {
  for (const args of [
    ['site', 'status', '--timeout', 'banana'],
    ['site', 'create', 'x', '--timeout', 'banana'],
    ['site', 'delete', 'x', '--timeout', 'banana'],
    ['site', 'update', '--enable-ha', '--timeout', 'banana'],
  ]) {
    const line = usageFails(await plugin(args, { env: { KUBECONFIG: INVALID_KUBECONFIG } }), args.join(' '));
    assert.match(line, '--timeout', args.join(' '));
    assert.match(line, '"banana"', args.join(' '));
  }
});

test('site generate prints a Site manifest without any kubeconfig', async () => {
  const r = await plugin(['site', 'generate', 'west', '--enable-link-access']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const site = parseYaml(r.stdout) as { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.is(site.apiVersion, 'skupper.io/v2alpha1');
  assert.is(site.kind, 'Site');
  assert.equal(site.metadata, { name: 'west' });
  assert.equal(site.spec, { linkAccess: 'default' });
});

test('site generate does not read the kubeconfig', async () => {
  const r = await plugin(['site', 'generate', 'west'], { env: { KUBECONFIG: INVALID_KUBECONFIG } });
  assert.is(r.code, 0, r.stderr);
  assert.equal((parseYaml(r.stdout) as { spec: unknown }).spec, {});
});

test('site generate -o json -n west gives JSON with metadata.namespace', async () => {
  const r = await plugin(['site', 'generate', 'west', '-o', 'json', '-n', 'west']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const site = JSON.parse(r.stdout) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };
  assert.is(site.apiVersion, 'skupper.io/v2alpha1');
  assert.is(site.kind, 'Site');
  assert.is(site.metadata.name, 'west');
  assert.is(site.metadata.namespace, 'west');
  assert.equal(site.spec, {});
});

test('site generate carries the link access type and HA', async () => {
  const r = await plugin(['site', 'generate', 'east', '--enable-link-access', '--link-access-type', 'nodeport', '--enable-ha']);
  assert.is(r.code, 0, r.stderr);
  assert.equal((parseYaml(r.stdout) as { spec: unknown }).spec, { linkAccess: 'nodeport', ha: true });
});

test('site generate checks its flags like site create', async () => {
  assert.match(usageFails(await plugin(['site', 'generate', 'West']), 'generate West'), '"West"');
  assert.match(usageFails(await plugin(['site', 'generate', 'west', '--link-access-type', 'route']), 'generate type without enable'), '--enable-link-access');
  assert.match(usageFails(await plugin(['site', 'generate', 'west', '--enable-link-access', '--link-access-type', 'nope']), 'generate type nope'), 'loadbalancer');
  assert.match(usageFails(await plugin(['site', 'generate', 'west', '-n', 'Bad_NS']), 'generate -n Bad_NS'), '"Bad_NS"');
  assert.match(usageFails(await plugin(['site', 'generate', 'west', '-o', 'xml']), 'generate -o xml'), '"xml"');
});

test('site status with no kubeconfig anywhere: exit 1, one line about the kubeconfig', async () => {
  const line = failsWith(await plugin(['site', 'status'], { env: { HOME: '/nonexistent' } }), 1, 'site status without kubeconfig');
  assert.match(line, /kubeconfig/i);
  assert.match(line, 'KUBECONFIG');
});

test('the kubeconfig under the command\'s HOME is the one used', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ks-home-'));
  mkdirSync(join(home, '.kube'));
  copyFileSync(new URL('../fixtures/kubeconfig/no-current.yaml', import.meta.url), join(home, '.kube', 'config'));
  const line = failsWith(await plugin(['site', 'status'], { env: { HOME: home } }), 1, 'site status with HOME kubeconfig');
  assert.match(line, /no current context: pass --context \(one of: gamma\)/);
  rmSync(home, { recursive: true, force: true });
});

test('site status with an unusable kubeconfig: exit 1, one line naming the file', async () => {
  const line = failsWith(await plugin(['site', 'status', '--kubeconfig', INVALID_KUBECONFIG]), 1, 'site status --kubeconfig invalid');
  assert.match(line, INVALID_KUBECONFIG);
});

test.run();
