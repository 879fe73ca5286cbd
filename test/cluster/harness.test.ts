// The local cluster is a real API server: schema validation, RBAC and watches behave as in production.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminRequest } from '../cluster/harness.js';
import { cluster, freshNamespace } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';

test('the Link CRD schema rejects a Link without endpoints with 422', async () => {
  const c = await cluster();
  const ns = await freshNamespace('schema');
  const res = await adminRequest(c, 'POST', `/apis/skupper.io/v2alpha1/namespaces/${ns}/links`, {
    apiVersion: 'skupper.io/v2alpha1',
    kind: 'Link',
    metadata: { name: 'no-endpoints' },
    spec: { tlsCredentials: 'x', cost: 1 },
  });
  assert.is(res.status, 422);
  assert.match(res.body, /spec.endpoints: Required value/);
});

test('the user without permissions gets 403 and the plugin names what is forbidden', async () => {
  const c = await cluster();
  const res = await plugin(['site', 'status', '--kubeconfig', c.kubeconfig, '--context', 'nobody', '-n', 'west']);
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /not allowed to list sites\.skupper\.io in namespace "west"/);
  assert.is(res.stderr.trim().split('\n').length, 1);
});

test('the kubeconfig has west and east contexts defaulting to their namespaces', async () => {
  const c = await cluster();
  for (const ctx of ['west', 'east']) {
    const res = await plugin(['site', 'status', '--kubeconfig', c.kubeconfig, '--context', ctx]);
    assert.is(res.code, 0, res.stderr);
    assert.is(res.stdout, `There is no Skupper site in namespace "${ctx}".\n`);
  }
});

test.run();
