// Interop tests: run only in interop mode (npm run test:interop), against the real upstream
// controller, with the upstream `skupper` CLI beside our plugin.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { CRD_DIR } from '../cluster/harness.js';
import { LINKS, SITES, type Link } from '../../src/kube/resources.js';
import { CONFIG_MAPS } from '../stand-in/kinds.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { skupper, upstreamVersion } from './upstream.js';

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

function kubectl(kubeconfig: string, ns: string, args: string[], input?: string) {
  return spawnSync('kubectl', ['--kubeconfig', kubeconfig, '-n', ns, ...args], { input, encoding: 'utf8' });
}

/** Two sites made with our plugin: west accepts links, east links to it. */
async function twoSites(opts: { ha?: boolean } = {}) {
  const west = await freshNamespace('iwest');
  const east = await freshNamespace('ieast');
  await standIn(west);
  await standIn(east);
  assert.is((await run(west, 'site', 'create', 'west', '--enable-link-access', ...(opts.ha ? ['--enable-ha'] : []), '--timeout', '60s')).code, 0);
  assert.is((await run(east, 'site', 'create', 'east', '--timeout', '60s')).code, 0);
  return { west, east };
}

interface RouterEntity {
  name?: string;
  role?: string;
  host?: string;
  port?: string;
  cost?: number;
  sslProfile?: string;
}

async function routerConfig(ns: string): Promise<[string, RouterEntity][]> {
  const cm = await (await adminClient(ns)).get(CONFIG_MAPS, 'skupper-router');
  return JSON.parse(cm.data!['skrouterd.json']!) as [string, RouterEntity][];
}

test(`the real controller (${upstreamVersion()}) configures a Link from our link generate and it becomes Ready`, async () => {
  const c = await cluster();
  const { west, east } = await twoSites();
  const site = await (await adminClient(west)).get(SITES, 'west');
  assert.ok(site.status?.controller?.version, 'status.controller is written by the real controller');
  assert.ok(site.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const gen = await run(west, 'link', 'generate');
  assert.is(gen.code, 0, gen.stderr);
  const applied = kubectl(c.kubeconfig, east, ['apply', '-f', '-'], gen.stdout);
  assert.is(applied.status, 0, applied.stderr);
  const ready = await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '60s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /link-west-skupper-router\s+Ready\s+west\s+1\s+OK\s+\d+s/);
  const link = await (await adminClient(east)).get(LINKS, 'link-west-skupper-router');
  assert.is(link.status?.remoteSiteName, 'west');
  assert.is(link.status?.remoteSiteId, site.metadata.uid);
  // The controller made the router config: an sslProfile and an inter-router connector for it.
  const config = await routerConfig(east);
  const endpoint = site.status!.endpoints!.find((e) => e.name === 'inter-router')!;
  const connector = config.find(([kind, e]) => kind === 'connector' && e.name === 'link-west-skupper-router');
  assert.ok(connector, JSON.stringify(config));
  assert.equal({ role: connector[1].role, host: connector[1].host, port: connector[1].port, cost: connector[1].cost }, { role: 'inter-router', host: endpoint.host, port: endpoint.port, cost: 1 });
  assert.ok(config.some(([kind, e]) => kind === 'sslProfile' && e.name === connector[1].sslProfile));
});

test('upstream skupper link status reads our Links; we read the Links upstream link generate made', async () => {
  const c = await cluster();
  const { west, east } = await twoSites();
  assert.is(kubectl(c.kubeconfig, east, ['apply', '-f', '-'], (await run(west, 'link', 'generate')).stdout).status, 0);
  assert.is((await run(east, 'link', 'status', '--wait', 'ready', '--timeout', '60s')).code, 0);
  const theirs = await skupper(c.kubeconfig, east, ['link', 'status']);
  assert.is(theirs.code, 0, theirs.stderr);
  assert.match(theirs.stdout, /NAME\s+STATUS\s+COST\s+MESSAGE/);
  assert.match(theirs.stdout, /link-west-skupper-router\s+Ready\s+1\s+OK/);

  // The other way: upstream generates against a site our plugin created; we apply it and read it.
  const north = await freshNamespace('inorth');
  await standIn(north);
  assert.is((await run(north, 'site', 'create', 'north', '--timeout', '60s')).code, 0);
  const generated = await skupper(c.kubeconfig, west, ['link', 'generate', '--timeout', '60s']);
  assert.is(generated.code, 0, generated.stderr);
  const kinds = parseAllDocuments(generated.stdout).map((d) => (d.toJS() as { kind: string; metadata: { name: string } })).map((d) => `${d.kind}/${d.metadata.name}`);
  assert.equal(kinds.sort(), ['Link/link-west-skupper-router', 'Secret/link-west']);
  assert.is(kubectl(c.kubeconfig, north, ['apply', '-f', '-'], generated.stdout).status, 0);
  const ours = await run(north, 'link', 'status', '--wait', 'ready', '--timeout', '60s');
  assert.is(ours.code, 0, ours.stderr);
  assert.match(ours.stdout, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE\nlink-west-skupper-router\s+Ready\s+west\s+1\s+OK\s+\d+s\n$/);
  const check = await run(north, 'link', 'check', '-o', 'json');
  assert.is(check.code, 0, check.stdout + check.stderr);
});

test('every manifest we write passes kubectl apply --dry-run=server under the upstream CRDs', async () => {
  const c = await cluster();
  const { west } = await twoSites({ ha: true });
  const target = await freshNamespace('idry');
  const manifests: [string, string][] = [
    ['site generate', (await plugin(['site', 'generate', 'x'])).stdout],
    ['site generate --enable-link-access --enable-ha', (await plugin(['site', 'generate', 'x', '--enable-link-access', '--enable-ha'])).stdout],
    ['site generate --link-access-type loadbalancer', (await plugin(['site', 'generate', 'x', '--enable-link-access', '--link-access-type', 'loadbalancer'])).stdout],
    ['link generate (HA)', (await run(west, 'link', 'generate', '--cost', '7')).stdout],
    ['link generate -o json', (await run(west, 'link', 'generate', '--name', 'to-west', '-o', 'json')).stdout],
    ['link generate --generate-credential=false', (await run(west, 'link', 'generate', '--generate-credential=false', '--tls-credentials', 'shared')).stdout],
    ['listener generate', (await plugin(['listener', 'generate', 'web', '8080', '--host', 'www', '-r', 'web.v2', '--tls-credentials', 'tls'])).stdout],
    ['connector generate', (await plugin(['connector', 'generate', 'web', '8080', '--selector', 'app=web', '--include-not-ready'])).stdout],
    ['connector generate --host -o json', (await plugin(['connector', 'generate', 'db', '5432', '--host', 'db.example.com', '-o', 'json'])).stdout],
  ];
  for (const [what, manifest] of manifests) {
    assert.ok(manifest.trim().length > 0, `${what} printed a manifest`);
    const res = kubectl(c.kubeconfig, target, ['apply', '--dry-run=server', '-f', '-'], manifest);
    assert.is(res.status, 0, `${what}: ${res.stderr}`);
    assert.match(res.stdout, /\(server dry run\)/, what);
  }
});

test('our deploy/crds are schema-compatible with the upstream CRDs', async () => {
  const upstreamDir = join(process.env.SKUPPER_SRC!, 'config', 'crd', 'bases');
  const upstream = new Map<string, Crd>();
  for (const file of readdirSync(upstreamDir)) {
    const crd = parse(readFileSync(join(upstreamDir, file), 'utf8')) as Crd;
    upstream.set(crd.metadata.name, crd);
  }
  const ours = readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'));
  assert.ok(ours.length >= 6);
  for (const file of ours) {
    const crd = parse(readFileSync(join(CRD_DIR, file), 'utf8')) as Crd;
    const theirs = upstream.get(crd.metadata.name);
    assert.ok(theirs, `${file}: no upstream CRD named ${crd.metadata.name}`);
    assert.equal(differences(crd, theirs), [], file);
  }
});

interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  [key: string]: unknown;
}

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: Record<string, unknown>;
    versions: { name: string; served: boolean; storage: boolean; subresources?: unknown; additionalPrinterColumns?: { name: string; type: string; jsonPath: string }[]; schema: { openAPIV3Schema: Schema } }[];
  };
}

/** What tells two CRDs apart for clients and the API server; descriptions and key order do not. */
function differences(ours: Crd, theirs: Crd): string[] {
  const out: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(sortKeys(a)) !== JSON.stringify(sortKeys(b))) out.push(`${what}: ours ${JSON.stringify(a)}, upstream ${JSON.stringify(b)}`);
  };
  same('group', ours.spec.group, theirs.spec.group);
  same('scope', ours.spec.scope, theirs.spec.scope);
  same('names', ours.spec.names, theirs.spec.names);
  same('versions', ours.spec.versions.map((v) => v.name), theirs.spec.versions.map((v) => v.name));
  for (const [i, v] of ours.spec.versions.entries()) {
    const u = theirs.spec.versions[i]!;
    same(`${v.name} served/storage`, [v.served, v.storage], [u.served, u.storage]);
    same(`${v.name} subresources`, v.subresources, u.subresources);
    same(`${v.name} printer columns`, (v.additionalPrinterColumns ?? []).map(({ name, type, jsonPath }) => ({ name, type, jsonPath })), (u.additionalPrinterColumns ?? []).map(({ name, type, jsonPath }) => ({ name, type, jsonPath })));
    walk(v.schema.openAPIV3Schema, u.schema.openAPIV3Schema, v.name, out);
  }
  return out;
}

function walk(a: Schema, b: Schema | undefined, path: string, out: string[]): void {
  if (!b) {
    out.push(`${path}: not in the upstream schema`);
    return;
  }
  for (const key of ['type', 'format', 'enum', 'minimum', 'maximum', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string']) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(`${path}: ${key} ours ${JSON.stringify(a[key])}, upstream ${JSON.stringify(b[key])}`);
  }
  if (JSON.stringify([...(a.required ?? [])].sort()) !== JSON.stringify([...(b.required ?? [])].sort())) out.push(`${path}: required ours ${a.required}, upstream ${b.required}`);
  const keys = new Set([...Object.keys(a.properties ?? {}), ...Object.keys(b.properties ?? {})]);
  for (const key of keys) {
    if (!a.properties?.[key]) out.push(`${path}.${key}: missing from ours`);
    else walk(a.properties[key], b.properties?.[key], `${path}.${key}`, out);
  }
  if (a.items || b.items) walk(a.items ?? {}, b.items ?? {}, `${path}[]`, out);
  if (typeof a.additionalProperties === 'object' || typeof b.additionalProperties === 'object') walk((a.additionalProperties as Schema) ?? {}, b.additionalProperties as Schema, `${path}{}`, out);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

test.after.each(stopStandIns);

test.run();
