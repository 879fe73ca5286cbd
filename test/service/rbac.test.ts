// Least privilege for services: a user bound to exactly deploy/rbac/service-operator.yaml does every
// listener and connector task; with one verb taken out the refusal names it, in one line, and
// leaves nothing made. Users are service accounts with tokens: real authentication, real RBAC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONNECTORS, LISTENERS } from '../../src/kube/resources.js';
import { adminClient, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { assertRefusal, roleRules, userKubeconfig } from '../hardening/support.js';
import { adminRequest } from '../cluster/harness.js';
import { cluster } from '../support/cluster.js';
import { backendPod, deployment, linkedSites, oneSite, serviceSnapshot } from './support.js';

const as = (kubeconfig: string, ...args: string[]) => plugin([...args, '--kubeconfig', kubeconfig]);

test('service-operator: create, status, update and delete listeners and connectors, --workload and --tls-credentials included', async () => {
  const ns = await oneSite();
  await deployment(ns, 'api', { app: 'api' });
  await backendPod(ns, 'api-1', { app: 'api' });
  await (await adminClient(ns)).create({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets' }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-tls' }, type: 'Opaque', data: { 'ca.crt': Buffer.from('x').toString('base64') } });
  const user = await userKubeconfig(ns, 'service-operator.yaml');
  for (const args of [
    ['connector', 'create', 'api', '9000', '--workload', 'deployment/api', '--tls-credentials', 'api-tls'],
    ['listener', 'create', 'api', '9000', '--wait', 'ready', '--timeout', '30s'],
    ['connector', 'status', 'api'],
    ['listener', 'status', '-o', 'wide'],
    ['connector', 'status', '--wait', 'ready', '--timeout', '30s'],
    ['listener', 'update', 'api', '--port', '9001'],
    ['connector', 'update', 'api', '--selector', 'app=api,tier=web', '--wait', 'none'],
    ['listener', 'delete', 'api'],
    ['connector', 'delete', 'api'],
  ]) {
    const res = await as(user.kubeconfig, ...args);
    assert.is(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
  }
  const client = await adminClient(ns);
  assert.is((await client.list(LISTENERS)).items.length + (await client.list(CONNECTORS)).items.length, 0);
});

test('service-operator minus one verb: the refusal names the verb and resource, and nothing is made', async () => {
  const ns = await oneSite();
  await deployment(ns, 'api', { app: 'api' });
  const before = await serviceSnapshot(ns);
  const noCreate = await userKubeconfig(ns, 'service-operator.yaml', { verb: 'create', resource: 'listeners' });
  assertRefusal(await as(noCreate.kubeconfig, 'listener', 'create', 'api', '9000'), 1, /\bcreate\b.*\blisteners\b.*403/, 'listener create without create listeners');
  const noWorkload = await userKubeconfig(ns, 'service-operator.yaml', { verb: 'get', resource: 'deployments' });
  assertRefusal(await as(noWorkload.kubeconfig, 'connector', 'create', 'api', '9000', '--workload', 'deployment/api'), 1, /\bget\b.*\bdeployments\b.*403/, 'connector create --workload without get deployments');
  const noList = await userKubeconfig(ns, 'service-operator.yaml', { verb: 'list', resource: 'connectors' });
  assertRefusal(await as(noList.kubeconfig, 'connector', 'status'), 1, /\blist\b.*\bconnectors\b.*403/, 'connector status without list connectors');
  assert.equal(await serviceSnapshot(ns), before, 'nothing was made');
  const nobody = await userKubeconfig(ns, undefined);
  assertRefusal(await as(nobody.kubeconfig, 'listener', 'status'), 1, /\blist\b.*\blisteners\b.*403/, 'listener status without a Role');
});

/** The service account `user` bound to service-operator in `ns` too; `drop` takes one verb out there. */
async function bindToo(user: string, ns: string, drop?: { verb: string; resource: string }): Promise<void> {
  const c = await cluster();
  const name = user.split(':').pop()!;
  const rules = roleRules('service-operator.yaml').map((r) => (drop && r.resources.includes(drop.resource) ? { ...r, verbs: r.verbs.filter((v) => v !== drop.verb) } : r));
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules })).status, 201);
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace: user.split(':')[2] }] };
  assert.is((await adminRequest(c, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, binding)).status, 201);
}

test('service-operator on both sites: service expose; without create listeners on the --to site, refused with nothing made on either', async () => {
  const { west, east } = await linkedSites();
  await deployment(west, 'backend', { app: 'backend' });
  await backendPod(west, 'backend-1', { app: 'backend' });
  const user = await userKubeconfig(west, 'service-operator.yaml');
  await bindToo(user.user, east);
  const context = user.user.split(':').pop()!;
  const ok = await as(user.kubeconfig, 'service', 'expose', 'deployment/backend', '--port', '8080', '--from', `${context}/${west}`, '--to', `${context}/${east}`, '--timeout', '40s');
  assert.is(ok.code, 0, ok.stderr);
  const limited = await userKubeconfig(west, 'service-operator.yaml');
  await bindToo(limited.user, east, { verb: 'create', resource: 'listeners' });
  const other = limited.user.split(':').pop()!;
  const before = [await serviceSnapshot(west), await serviceSnapshot(east)];
  const refused = await as(limited.kubeconfig, 'service', 'expose', 'deployment/backend', '--name', 'other', '--port', '8080', '--from', `${other}/${west}`, '--to', `${other}/${east}`);
  assertRefusal(refused, 1, /\bcreate\b.*\blisteners\b.*403/, 'service expose without create listeners on the --to site');
  // The connector made on west first was taken back.
  assert.equal([await serviceSnapshot(west), await serviceSnapshot(east)], before, 'nothing was made');
});

test.after.each(stopStandIns);

test.run();
