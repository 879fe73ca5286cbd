// Shared by the hardening tests: users bound to exactly one of deploy/rbac/'s Roles (service
// accounts with tokens from the TokenRequest API, so no CA key is needed), and snapshots of a
// namespace and a folder to prove that a refused command changed nothing.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { ACCESS_GRANTS, ACCESS_TOKENS, CERTIFICATES, LINKS, SECRETS, SITES, type ResourceType } from '../../src/kube/resources.js';
import { adminRequest } from '../cluster/harness.js';
import { adminClient, cluster } from '../support/cluster.js';
import { workDir } from '../token/support.js';

export const RBAC_DIR = fileURLToPath(new URL('../../deploy/rbac/', import.meta.url));

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

export function roleRules(file: string): Rule[] {
  return (parse(readFileSync(join(RBAC_DIR, file), 'utf8')) as { rules: Rule[] }).rules;
}

async function admin(method: string, path: string, body?: unknown): Promise<string> {
  const res = await adminRequest(await cluster(), method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return res.body;
}

/**
 * A kubeconfig for a new service account of `ns` bound to the Role in `file` (minus `drop`: one
 * verb of one resource taken out), or to nothing when file is undefined.
 */
export async function userKubeconfig(ns: string, file: string | undefined, drop?: { verb: string; resource: string }, secretNames: string[] = []): Promise<{ kubeconfig: string; user: string }> {
  const c = await cluster();
  const name = `u-${Math.random().toString(36).slice(2, 8)}`;
  await admin('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  if (file) {
    const rules = roleRules(file)
      .map((r) => (drop && r.resources.includes(drop.resource) ? { ...r, verbs: r.verbs.filter((v) => v !== drop.verb) } : r))
      .filter((r) => r.verbs.length > 0)
      // The placeholder the Role's comment asks an admin to replace with the credentials' names.
      .map((r) => (r.resourceNames?.includes('link-SITE') ? { ...r, resourceNames: secretNames } : r));
    await admin('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules });
    await admin('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
  }
  const requested = JSON.parse(await admin('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })) as { status: { token: string } };
  const kubeconfig = join(workDir(), 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: c.server, 'certificate-authority-data': Buffer.from(c.ca).toString('base64') } }],
      users: [{ name, user: { token: requested.status.token } }],
      contexts: [{ name, context: { cluster: 'local', user: name, namespace: ns } }],
      'current-context': name,
    }),
    { mode: 0o600 },
  );
  return { kubeconfig, user: `system:serviceaccount:${ns}:${name}` };
}

/**
 * Every Site, Link, Secret, AccessGrant and AccessToken of a namespace, by name and version: what
 * the plugin owns is compared exactly; what the controller owns only by name.
 */
export async function clusterSnapshot(ns: string): Promise<string[]> {
  const client = await adminClient(ns);
  const rows: string[] = [];
  // A Secret named like a Certificate is the controller's to write (the real one rewrites
  // skupper-local-server at any moment, as it renews or re-checks it): by name only.
  const issued = new Set((await client.list(CERTIFICATES)).items.map((c) => c.metadata.name));
  for (const type of [SITES, LINKS, SECRETS, ACCESS_GRANTS, ACCESS_TOKENS] as ResourceType<{ metadata: { name: string; resourceVersion?: string; generation?: number } }>[]) {
    // Skupper resources by generation: it moves with every spec change (ours), not with the status
    // the controller keeps writing (the real one does, at any moment). Our Secrets by resourceVersion.
    for (const o of (await client.list(type)).items) {
      const version = o.metadata.generation !== undefined ? `g${o.metadata.generation}` : type === SECRETS && issued.has(o.metadata.name) ? 'controller' : o.metadata.resourceVersion;
      rows.push(`${type.plural}/${o.metadata.name}@${version}`);
    }
  }
  return rows.sort();
}

/** Names, sizes and modes of a folder's files. */
export function dirSnapshot(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f} ${s.isDirectory() ? 'dir' : s.size} ${(s.mode & 0o777).toString(8)}`;
    })
    .sort();
}

/** The stable shape of a refusal: the exit code, nothing on stdout, exactly one line on stderr. */
export function assertRefusal(res: { code: number; stdout: string; stderr: string }, code: 1 | 2, names: RegExp, label: string): void {
  const where = `${label}: ${JSON.stringify(res)}`;
  assert.is(res.code, code, where);
  assert.is(res.stdout, '', where);
  assert.match(res.stderr, /^error: [^\n]+\n$/, where);
  assert.match(res.stderr, names, where);
  assert.not.match(res.stderr, /unexpected failure/, where);
}
