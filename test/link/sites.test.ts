// link sites: two sites reached through one kubeconfig (two contexts, two names for the API
// server) are linked in one step; the link becomes Ready over real mTLS and no file is written.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINKS, SECRETS } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { kubeconfigWith } from '../support/kubeconfig.js';
import { plugin } from '../support/plugin.js';
import { adminRequest } from '../cluster/harness.js';

const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));

/** The bundled executable, with one empty folder as working, home and temporary folder, so that any file it wrote would show. */
function exe(args: string[], dir: string, cache: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: dir, NODE_COMPILE_CACHE: cache } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function sites(opts: { westAccess?: boolean } = {}) {
  const c = await cluster();
  const west = await freshNamespace('ls-west');
  const east = await freshNamespace('ls-east');
  await standIn(west);
  await standIn(east);
  const access = opts.westAccess === false ? [] : ['--enable-link-access'];
  assert.is((await plugin(['site', 'create', 'west', ...access, '--kubeconfig', c.kubeconfig, '-n', west])).code, 0);
  assert.is((await plugin(['site', 'create', 'east', '--kubeconfig', c.kubeconfig, '-n', east])).code, 0);
  const kubeconfig = await kubeconfigWith([
    { name: 'w', namespace: west, cluster: 'local' },
    { name: 'e', namespace: 'default', cluster: 'other' },
  ]);
  return { west, east, kubeconfig };
}

test('links east to west in one step: a Ready link, its status printed, and no file anywhere', async () => {
  const { west, east, kubeconfig } = await sites();
  const dir = mkdtempSync(join(tmpdir(), 'ks-linksites-'));
  // Node's compile cache (start-up speed, no secrets) goes elsewhere, so that `dir` must stay empty.
  const cache = mkdtempSync(join(tmpdir(), 'ks-linksites-cache-'));
  const res = await exe(['link', 'sites', '--kubeconfig', kubeconfig, '--from', `e/${east}`, '--to', 'w', '--cost', '3', '--timeout', '30s'], dir, cache);
  assert.is(res.code, 0, res.stderr);
  assert.ok(res.stdout.startsWith(`Site "east" (e/${east}) links to site "west" (w/${west}) with Link "link-west-skupper-router" and Secret "link-west":\n`), res.stdout);
  assert.match(res.stdout, /:\nNAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nlink-west-skupper-router\s+Ready\s+west\s+3\s+OK\s+\d+s\n$/);
  assert.is(res.stderr, '');
  assert.equal(readdirSync(dir), [], 'no file written in the working, home or temporary folder');
  const client = await adminClient(east);
  const link = await client.get(LINKS, 'link-west-skupper-router');
  assert.is(link.status?.status, 'Ready');
  assert.is(link.status?.remoteSiteName, 'west');
  assert.is(link.spec.cost, 3);
  const secret = await client.get(SECRETS, 'link-west');
  assert.is(secret.metadata.labels?.['app.kubernetes.io/managed-by'], 'kubectl-skupper');
  assert.equal(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  // Nothing was made on the target site.
  assert.equal((await (await adminClient(west)).list(LINKS)).items, []);
  // Again: refused, naming what is in the way; nothing changes.
  const again = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, '--from', `e/${east}`, '--to', 'w']);
  assert.is(again.code, 1);
  assert.match(again.stderr, /^error: site "east" already has Secret "link-west" and Link "link-west-skupper-router": see "kubectl skupper link status --kubeconfig \S+ --context e -n [a-z0-9-]+", or pass --name for another link\n$/);
  assert.is((await client.list(LINKS)).items.length, 1);
  // --name makes a second, separately named link.
  const named = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, '--from', `e/${east}`, '--to', 'w', '--name', 'backup', '--wait', 'none']);
  assert.is(named.code, 0, named.stderr);
  assert.match(named.stdout, /with Link "backup" and Secret "backup":\nNAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nbackup\s+/);
});

test('refuses a target without link access, names the command that enables it, and makes nothing', async () => {
  const { west, east, kubeconfig } = await sites({ westAccess: false });
  const res = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, '--from', `e/${east}`, '--to', 'w']);
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.is(res.stderr, `error: link access is not enabled on site "west": run "kubectl skupper site update --enable-link-access --kubeconfig ${kubeconfig} --context w -n ${west}" on it first\n`);
  const client = await adminClient(east);
  assert.equal((await client.list(LINKS)).items, []);
  assert.equal((await client.list(SECRETS)).items.filter((s) => s.metadata.name.startsWith('link-')), []);
});

test('bad input exits 2 before touching a cluster; an unknown context is one line', async () => {
  const { east, kubeconfig } = await sites();
  const cases: [string[], RegExp][] = [
    [['--from', 'e'], /link sites needs both --from and --to/],
    [['--from', 'e', '--to', 'w', '--cost', '0'], /invalid --cost "0"/],
    [['--from', 'e', '--to', 'w', '--wait', 'later'], /invalid --wait "later"/],
    [['--from', 'e/Not_A_Namespace', '--to', 'w'], /invalid namespace in --from/],
    [['--from', `e/${east}`, '--to', `w/${east}`], /--from and --to are the same site "east"/],
  ];
  for (const [args, message] of cases) {
    const res = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, ...args]);
    assert.is(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.is(res.stderr.split('\n').length, 2, 'one line');
  }
  const unknown = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, '--from', 'nowhere', '--to', 'w']);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /^error: context "nowhere" is not in the kubeconfig/);
});

/** Grants user "nobody" these rules in the namespace. */
async function grant(ns: string, rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
  const c = await cluster();
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'partial' }, rules };
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'partial' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'partial' }, subjects: [{ kind: 'User', name: 'nobody', apiGroup: 'rbac.authorization.k8s.io' }] };
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, role)).status, 201);
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, binding)).status, 201);
}

test('when the Link cannot be created, the Secret made for it is removed: nothing half-made', async () => {
  const { west, east } = await sites();
  const read = { apiGroups: ['skupper.io'], resources: ['sites', 'links'], verbs: ['get', 'list'] };
  await grant(west, [read, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
  // May create and delete Secrets in east, but not Links.
  await grant(east, [read, { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'delete'] }]);
  const kubeconfig = await kubeconfigWith([
    { name: 'w', namespace: west, cluster: 'local', user: 'nobody' },
    { name: 'e', namespace: east, cluster: 'other', user: 'nobody' },
  ]);
  const res = await plugin(['link', 'sites', '--kubeconfig', kubeconfig, '--from', 'e', '--to', 'w']);
  assert.is(res.code, 1);
  assert.match(res.stderr, new RegExp(`^error: you are not allowed to create links\\.skupper\\.io in namespace "${east}" \\(403 Forbidden\\)`));
  const client = await adminClient(east);
  assert.is(await client.find(SECRETS, 'link-west'), undefined);
  assert.equal((await client.list(LINKS)).items, []);
});

test.after.each(stopStandIns);

test.run();
