// The grant server's Deployment (deploy/grant-server/): the API server accepts every object of it in
// a server-side dry run, and its service account, bound to the shipped Role, may do what the grant
// server does: checked one permission at a time, then by running the server as that account.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { adminRequest } from '../cluster/harness.js';
import { cluster, stopStandIns } from '../support/cluster.js';
import { BIN, issue, run, twoSites, workDir } from '../token/support.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const ACCOUNT = 'kubectl-skupper-grant-server';

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The manifest's documents, moved from namespace west to `ns` as its header says to. */
function manifest(ns: string): Doc[] {
  const text = readFileSync(join(DEPLOY, 'grant-server', 'grant-server.yaml'), 'utf8').replace(/namespace: west$/gm, `namespace: ${ns}`).replace(/\.west\.svc/g, `.${ns}.svc`);
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

function role(): Doc {
  return parseAllDocuments(readFileSync(join(DEPLOY, 'rbac', 'grant-server.yaml'), 'utf8'))[0]!.toJS() as Doc;
}

/** The REST path that creates an object of this kind. */
function collection(doc: Doc, ns: string): string {
  const plural = { ServiceAccount: 'serviceaccounts', Service: 'services', Deployment: 'deployments', RoleBinding: 'rolebindings', Role: 'roles' }[doc.kind];
  assert.ok(plural, `a kind this test knows: ${doc.kind}`);
  const base = doc.apiVersion.includes('/') ? `/apis/${doc.apiVersion}` : `/api/${doc.apiVersion}`;
  return `${base}/namespaces/${ns}/${plural}`;
}

async function create(doc: Doc, ns: string, dryRun: boolean): Promise<{ status: number; body: string }> {
  const c = await cluster();
  return adminRequest(c, 'POST', `${collection(doc, ns)}${dryRun ? '?dryRun=All&fieldValidation=Strict' : '?fieldValidation=Strict'}`, doc);
}

test('deploy/grant-server: every object passes a server-side dry run (strict field validation), and none is made', async () => {
  const { west } = await twoSites();
  const c = await cluster();
  const docs = [role(), ...manifest(west)];
  assert.equal(docs.map((d) => d.kind), ['Role', 'ServiceAccount', 'RoleBinding', 'Deployment', 'Service']);
  for (const doc of docs) {
    assert.is(doc.metadata.namespace ?? west, west, `${doc.kind} lands in the site's namespace`);
    const res = await create(doc, west, true);
    assert.is(res.status, 201, `${doc.kind}: ${res.body}`);
    assert.is((await adminRequest(c, 'GET', `${collection(doc, west)}/${doc.metadata.name}`)).status, 404, `${doc.kind} was only a dry run`);
  }
  const deployment = docs.find((d) => d.kind === 'Deployment') as Doc & { spec: { template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } } } };
  assert.is(deployment.spec.template.spec.serviceAccountName, ACCOUNT);
  assert.is(deployment.spec.template.spec.containers[0]!.args[0], 'grant-server');
});

test('the service account bound by deploy/grant-server may do what the grant server does, and runs it: a token issued and redeemed', async () => {
  const { west, east } = await twoSites();
  const c = await cluster();
  for (const doc of [role(), ...manifest(west)].filter((d) => ['Role', 'ServiceAccount', 'RoleBinding'].includes(d.kind))) {
    const res = await create(doc, west, false);
    assert.is(res.status, 201, `${doc.kind}: ${res.body}`);
  }
  const user = `system:serviceaccount:${west}:${ACCOUNT}`;
  const allowed = async (verb: string, group: string, resource: string, name?: string, subresource?: string) => {
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${west}`, 'system:authenticated'], resourceAttributes: { namespace: west, verb, group, resource, name, subresource } } };
    const res = await adminRequest(c, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review);
    assert.is(res.status, 201, res.body);
    return (JSON.parse(res.body) as { status: { allowed?: boolean } }).status.allowed === true;
  };
  // What the grant server does, as listed in src/grants (not read from the Role under test).
  const needs: [string, string, string, string?, string?][] = [
    ['list', 'skupper.io', 'accessgrants'],
    ['watch', 'skupper.io', 'accessgrants'],
    ['patch', 'skupper.io', 'accessgrants', 'any-grant', 'status'],
    ['list', 'skupper.io', 'sites'],
    ['get', '', 'secrets', 'skupper-site-ca'],
    ['get', '', 'secrets', 'skupper-token-signing-keys'],
    ['patch', '', 'secrets', 'skupper-token-signing-keys'],
    ['get', '', 'secrets', 'kubectl-skupper-grant-server'],
    ['create', '', 'secrets'],
    ['get', 'coordination.k8s.io', 'leases', 'kubectl-skupper-grant-server'],
    ['patch', 'coordination.k8s.io', 'leases', 'kubectl-skupper-grant-server'],
    ['create', 'coordination.k8s.io', 'leases'],
  ];
  // The authorizer reads Roles and RoleBindings from its own cache, a moment behind the writes
  // (interop mode, with the real controller's load, caught it behind): wait for the binding first.
  for (let i = 0; i < 100 && !(await allowed('list', 'skupper.io', 'accessgrants')); i++) await new Promise((r) => setTimeout(r, 100));
  for (const [verb, group, resource, name, subresource] of needs) assert.ok(await allowed(verb, group, resource, name, subresource), `may ${verb} ${resource}${subresource ? `/${subresource}` : ''} ${name ?? ''}`);
  // And no more than that: other Secrets stay out of reach.
  assert.not.ok(await allowed('get', '', 'secrets', 'some-other-secret'));
  assert.not.ok(await allowed('delete', '', 'secrets', 'skupper-site-ca'));

  // Its own token (what the kubelet would mount), in a kubeconfig of its own.
  const requested = await adminRequest(c, 'POST', `/api/v1/namespaces/${west}/serviceaccounts/${ACCOUNT}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
  assert.is(requested.status, 201, requested.body);
  const token = (JSON.parse(requested.body) as { status: { token: string } }).status.token;
  const kubeconfig = join(workDir(), 'kubeconfig');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeFileSync(kubeconfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'sa',
    clusters: [{ name: 'local', cluster: { server: c.server, 'certificate-authority-data': b64(c.ca) } }],
    users: [{ name: 'sa', user: { token } }],
    contexts: [{ name: 'sa', context: { cluster: 'local', user: 'sa', namespace: west } }],
  }), { mode: 0o600 });
  const deployment = manifest(west).find((d) => d.kind === 'Deployment') as Doc & { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  // The Deployment's own arguments, with an address this machine can listen on and reach.
  const args = deployment.spec.template.spec.containers[0]!.args.map((a) => (a.startsWith('--listen=') ? '--listen=127.0.0.1:0' : a)).filter((a) => !a.startsWith('--url='));
  const child = spawn(BIN, [...args, '--kubeconfig', kubeconfig], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    for (let i = 0; i < 400 && !out.includes(`serving namespace ${west}`) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(out.includes(`serving namespace ${west}`), out);
    const { file } = await issue(west);
    const redeemed = await run(east, 'token', 'redeem', file);
    assert.is(redeemed.code, 0, redeemed.stderr + out);
    assert.not.match(out, /forbidden|error/i);
  } finally {
    child.kill('SIGTERM');
    assert.is(await exited, 0, out);
  }
});

test.after.each(async () => {
  await stopStandIns();
});

test.run();
