// The controller stand-in (which the default suite runs) checked against the real controller: the
// same steps in two namespaces, one handed to the upstream controller, one to the stand-in, and
// what each wrote compared in the forms the plugin and the tests read. Interop mode only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from '../../src/kube/client.js';
import { ACCESS_GRANTS, ACCESS_TOKENS, CERTIFICATES, LINKS, ROUTER_ACCESSES, SECRETS, SITES, type Link, type Secret, type Site } from '../../src/kube/resources.js';
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

test('the controller stand-in redeems an AccessToken as the real controller does', async () => {
  // A grant served by the upstream grant server, and a site (west) it hands links to.
  const west = await freshNamespace('gwest');
  await standIn(west, { upstreamGrants: true });
  assert.is((await run(west, 'site', 'create', 'west', '--enable-link-access', '--timeout', '60s')).code, 0);
  const westClient = await adminClient(west);
  const grant = async (name: string) => {
    await westClient.create(ACCESS_GRANTS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessGrant', metadata: { name }, spec: { redemptionsAllowed: 1, expirationWindow: '10m' } }, west);
    return eventually(() => westClient.get(ACCESS_GRANTS, name, west), (g) => Boolean(g.status?.url && g.status.code && g.status.ca));
  };
  const real = await realNamespace('greal');
  const fake = await standInNamespace('gfake');
  const redeemed: Record<string, unknown>[] = [];
  for (const [i, side] of [real, fake].entries()) {
    assert.is((await run(side.ns, 'site', 'create', 'east', '--timeout', '60s')).code, 0);
    const g = await grant(`g${i}`);
    const token = { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'to-west' }, spec: { url: g.status!.url!, code: g.status!.code!, ca: g.status!.ca!, linkCost: 3 } } as const;
    await side.client.create(ACCESS_TOKENS, token, side.ns);
    const done = await eventually(() => side.client.get(ACCESS_TOKENS, 'to-west', side.ns), (t) => Boolean(t.status?.conditions?.some((c) => c.type === 'Redeemed')));
    const site = await side.client.get(SITES, 'east', side.ns);
    const links = (await side.client.list(LINKS, side.ns)).items;
    const secret = await side.client.get(SECRETS, 'to-west', side.ns);
    redeemed.push({
      token: { status: done.status?.status, message: done.status?.message, redeemed: done.status?.redeemed, conditions: done.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`) },
      links: links.map((l) => ({ name: l.metadata.name, cost: l.spec.cost, tlsCredentials: l.spec.tlsCredentials, owner: l.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}/${o.uid === site.metadata.uid}`) })),
      secret: { type: secret.type, keys: Object.keys(secret.data ?? {}).sort(), owner: secret.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}/${o.uid === site.metadata.uid}`) },
    });
    // And the link it made gets Ready through the router stand-in.
    assert.is((await run(side.ns, 'link', 'status', '--wait', 'ready', '--timeout', '60s')).code, 0);
  }
  assert.equal(redeemed[1], redeemed[0]);
  // A used-up grant: the same refusal from both.
  const failures: string[] = [];
  for (const side of [real, fake]) {
    const used = await westClient.get(ACCESS_GRANTS, side === real ? 'g0' : 'g1', west);
    await side.client.create(ACCESS_TOKENS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessToken', metadata: { name: 'again' }, spec: { url: used.status!.url!, code: used.status!.code!, ca: used.status!.ca! } }, side.ns);
    const t = await eventually(() => side.client.get(ACCESS_TOKENS, 'again', side.ns), (x) => Boolean(x.status?.conditions?.length));
    failures.push(`${t.status?.status}: ${t.status?.message} redeemed=${t.status?.redeemed}`);
  }
  assert.is(failures[1], failures[0]);
});

test.after.each(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
  await stopStandIns();
});

test.run();
