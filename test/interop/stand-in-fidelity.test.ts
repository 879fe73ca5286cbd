// The controller stand-in (which the default suite runs) checked against the real controller: the
// same steps in two namespaces, one handed to the upstream controller, one to the stand-in, and
// what each wrote compared in the forms the plugin and the tests read. Interop mode only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from '../../src/kube/client.js';
import { ACCESS_GRANTS, CERTIFICATES, LINKS, ROUTER_ACCESSES, SECRETS, SITES, type Link, type Secret, type Site } from '../../src/kube/resources.js';
import { ControllerStandIn } from '../stand-in/controller-stand-in.js';
import { CONFIG_MAPS, SERVICES } from '../stand-in/kinds.js';
import { RouterStandIn } from '../stand-in/router-stand-in.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';

const started: { stop(): Promise<void> }[] = [];

/** A namespace whose control plane is the controller stand-in, even in interop mode. */
async function standInNamespace(prefix: string): Promise<{ ns: string; client: KubeClient }> {
  const ns = await freshNamespace(prefix);
  const client = await adminClient(ns);
  started.push(new ControllerStandIn({ client, namespace: ns }).start(), new RouterStandIn({ client, namespace: ns }).start());
  return { ns, client };
}

async function realNamespace(prefix: string): Promise<{ ns: string; client: KubeClient }> {
  const ns = await freshNamespace(prefix);
  await standIn(ns);
  return { ns, client: await adminClient(ns) };
}

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

/** What a Site's status says, with names, addresses and times taken out. */
function siteShape(site: Site) {
  const s = site.status ?? {};
  return {
    status: s.status,
    message: s.message,
    conditions: (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}/${c.message}@${c.observedGeneration === site.metadata.generation}`).sort(),
    defaultIssuer: s.defaultIssuer,
    controllerKeys: Object.keys(s.controller ?? {}).sort(),
    endpoints: (s.endpoints ?? []).map((e) => `${e.group}/${e.name}:${e.port}`).sort(),
    keys: Object.keys(s).filter((k) => k !== 'network' && k !== 'sitesInNetwork').sort(),
  };
}

function linkShape(link: Link) {
  const s = link.status ?? {};
  return { status: s.status, message: s.message, conditions: (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}/${c.message}`).sort(), remoteSiteName: s.remoteSiteName };
}

async function resourcesShape(client: KubeClient, ns: string) {
  const hide = (s: string) => s.replaceAll(ns, '<ns>').replace(/^127\.\d+\.\d+\.\d+$/, '<address>');
  const certs = (await client.list(CERTIFICATES, ns)).items.map((c) => `${c.metadata.name} ca=${c.spec.ca} subject=${c.spec.subject.replace(/^\S+ (site|local) CA$/, '<site> $1 CA')} hosts=${(c.spec.hosts ?? []).map(hide).join(',')} signing=${Boolean(c.spec.signing)} ready=${c.status?.conditions?.find((x) => x.type === 'Ready')?.status}`).sort();
  const secrets = (await client.list(SECRETS, ns)).items.filter((s: Secret) => s.metadata.annotations?.['internal.skupper.io/certificate']).map((s) => `${s.metadata.name} ${s.type} ${Object.keys(s.data ?? {}).sort().join(',')} owner=${s.metadata.ownerReferences?.[0]?.kind}`).sort();
  const services = (await client.list(SERVICES, ns)).items.filter((s) => s.spec.type === 'LoadBalancer').map((s) => `${s.metadata.name} ${s.spec.type} ${s.spec.ports.map((p) => `${p.name}:${p.port}`).sort().join(',')} ingress=${s.status?.loadBalancer?.ingress?.length ?? 0}`).sort();
  const access = (await client.list(ROUTER_ACCESSES, ns)).items.map((r) => JSON.stringify({ ...r.spec, roles: [...r.spec.roles].sort((a, b) => a.name.localeCompare(b.name)) }));
  return { certs, secrets, services, access };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

test('the controller stand-in writes what the real controller writes for a site, its links and grants', async () => {
  const c = await cluster();
  const real = { west: await realNamespace('fwest'), east: await realNamespace('feast') };
  const fake = { west: await standInNamespace('swest'), east: await standInNamespace('seast') };
  for (const side of [real, fake]) {
    assert.is((await run(side.west.ns, 'site', 'create', 'west', '--enable-link-access', '--timeout', '60s')).code, 0);
    assert.is((await run(side.east.ns, 'site', 'create', 'east', '--timeout', '60s')).code, 0);
  }
  for (const which of ['west', 'east'] as const) {
    const [r, f] = [real[which], fake[which]];
    const realSite = await r.client.get(SITES, which);
    const fakeSite = await f.client.get(SITES, which);
    assert.equal(siteShape(fakeSite), siteShape(realSite), `${which}: Site status`);
    assert.equal(await resourcesShape(f.client, f.ns), await resourcesShape(r.client, r.ns), `${which}: Certificates, Secrets, Services, RouterAccess`);
  }

  // A link each way to Ready, then what the router config and the Link status say.
  for (const side of [real, fake]) {
    const gen = await run(side.west.ns, 'link', 'generate');
    for (const doc of parseAllDocuments(gen.stdout)) {
      const object = doc.toJS() as Secret | Link;
      if (object.kind === 'Secret') await side.east.client.create(SECRETS, object, side.east.ns);
      else await side.east.client.create(LINKS, object, side.east.ns);
    }
    assert.is((await run(side.east.ns, 'link', 'status', '--wait', 'ready', '--timeout', '60s')).code, 0);
  }
  const realLink = await real.east.client.get(LINKS, 'link-west-skupper-router');
  const fakeLink = await fake.east.client.get(LINKS, 'link-west-skupper-router');
  assert.equal(linkShape(fakeLink), linkShape(realLink), 'Link status');
  const connectors = async (side: typeof real) => {
    const cm = await side.east.client.get(CONFIG_MAPS, 'skupper-router');
    const config = JSON.parse(cm.data!['skrouterd.json']!) as [string, Record<string, unknown>][];
    // The controller writes sslProfiles in map order, so entities are compared as a set.
    return config.map(([kind, e]) => `${kind}:${String(e.name ?? e.prefix ?? '').replaceAll(side.west.ns, '')}:${e.role ?? ''}:${e.port ?? ''}:${e.sslProfile ?? ''}`).sort();
  };
  assert.equal(await connectors(fake), await connectors(real), 'skrouterd.json entities');
  const network = async (side: typeof real) => (await side.east.client.get(SITES, 'east')).status?.sitesInNetwork;
  assert.is(await eventually(() => network(fake), (n) => n === 2), await eventually(() => network(real), (n) => n === 2));

  // Grants, where the controller does not serve them: the same message.
  for (const side of [real, fake]) {
    await side.east.client.create(ACCESS_GRANTS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessGrant', metadata: { name: 'g' }, spec: {} }, side.east.ns);
  }
  const message = (side: typeof real) => eventually(async () => (await side.east.client.get(ACCESS_GRANTS, 'g')).status?.message, (m) => m !== undefined, 10_000);
  assert.is(await message(fake), await message(real));
  void c;
});

test.after.each(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
  await stopStandIns();
});

test.run();
