// The real data plane (interop mode with SKUPPER_ROUTER_SRC and PROTON_SRC): the upstream controller,
// and for each site the real skupper-router 3.5.1 and kube-adaptor 2.2.1 on a node of their own
// (real-router.ts). No stand-in writes any status here: a Link is Ready only because the two routers
// connected over mutual TLS with the credentials we made and the kube-adaptor reported it.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { createCA } from '../../src/certs/ca.js';
import type { KubeClient } from '../../src/kube/client.js';
import { CONNECTORS, LINKS, LISTENERS, SECRETS, type AccessToken, type Link, type Secret } from '../../src/kube/resources.js';
import { b64, b64d, CONFIG_MAPS } from '../stand-in/kinds.js';
import { adminClient, cluster, configureNow, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { grantServer, stopGrantServers, workDir } from '../token/support.js';
import type { NetworkStatus } from '../stand-in/network-status.js';
import { networkStatusShape, REAL_COLLECTOR_SHAPE } from '../stand-in/network-status-shape.js';
import { nodeNetwork, type RealRouterKubelet } from './real-router.js';
import { skupper } from './upstream.js';

async function run(ns: string, ...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

interface RealSite {
  ns: string;
  client: KubeClient;
  router: RealRouterKubelet;
}

/** West accepts links, east links to it; each with its real router. */
async function realSites(): Promise<{ west: RealSite; east: RealSite }> {
  const make = async (prefix: string, name: string, args: string[]): Promise<RealSite> => {
    const ns = await freshNamespace(prefix);
    const handle = await standIn(ns, { realRouter: true });
    const res = await run(ns, 'site', 'create', name, ...args, '--timeout', '120s');
    assert.is(res.code, 0, res.stderr);
    return { ns, client: await adminClient(ns), router: handle.realRouter! };
  };
  return { west: await make('rwest', 'west', ['--enable-link-access']), east: await make('reast', 'east', []) };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read().catch(() => undefined as T);
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read().catch(() => undefined as T);
  }
  return value;
}

/** The subject of the client certificate in a link Secret, as the router prints an authenticated peer. */
async function clientSubject(site: RealSite, secret: string): Promise<string> {
  const s = await site.client.get(SECRETS, secret, site.ns);
  return new X509Certificate(b64d(s.data!['tls.crt']!)).subject.split('\n').reverse().join(',');
}

/**
 * The routers' own word that the link is up: west's router lists an inbound inter-router connection
 * authenticated (EXTERNAL, TLS) as east's client certificate; east's an outbound one to west's address.
 */
async function assertRoutersLinked(west: RealSite, east: RealSite, secret: string): Promise<void> {
  const subject = await clientSubject(east, secret);
  const westAddress = west.router.node()!.address;
  const inbound = await eventually(() => west.router.connections(), (cs) => Boolean(cs?.some((x) => x.role === 'inter-router' && x.dir === 'in')));
  const fromEast = inbound?.find((x) => x.role === 'inter-router' && x.dir === 'in');
  assert.ok(fromEast, `west's router lists no inbound inter-router connection: ${JSON.stringify(inbound)}`);
  assert.match(fromEast.security ?? '', /TLS/, JSON.stringify(fromEast));
  assert.ok((fromEast.authentication ?? '').includes(subject), `authenticated as ${fromEast.authentication}, expected ${subject}`);
  assert.ok((fromEast.host ?? '').startsWith(east.router.node()!.address), `from ${fromEast.host}`);
  const outbound = (await east.router.connections()).find((x) => x.role === 'inter-router' && x.dir === 'out');
  assert.ok(outbound, 'east lists an outbound inter-router connection');
  assert.is(outbound.host, `${westAddress}:55671`);
}

async function linkReady(site: RealSite, name: string): Promise<void> {
  const res = await run(site.ns, 'link', 'status', name, '--wait', 'ready', '--timeout', '120s');
  assert.is(res.code, 0, res.stdout + res.stderr);
  const link = await site.client.get(LINKS, name, site.ns);
  assert.is(link.status?.remoteSiteName, 'west');
}

async function applyGenerated(manifest: string, to: RealSite): Promise<void> {
  for (const doc of parseAllDocuments(manifest)) {
    const object = doc.toJS() as Secret | Link;
    if (object.kind === 'Secret') await to.client.create(SECRETS, object, to.ns);
    else await to.client.create(LINKS, object, to.ns);
  }
}

test('link generate applied where the upstream controller runs: Ready because the real routers linked over mutual TLS', async () => {
  const { west, east } = await realSites();
  // Before any link: no inter-router connection anywhere, and the network status is the collector's.
  assert.not.ok((await west.router.connections()).some((x) => x.role === 'inter-router'));
  const gen = await run(west.ns, 'link', 'generate');
  assert.is(gen.code, 0, gen.stderr);
  await applyGenerated(gen.stdout, east);
  await linkReady(east, 'link-west-skupper-router');
  await assertRoutersLinked(west, east, 'link-west');
  const check = await run(east.ns, 'link', 'check', 'link-west-skupper-router');
  assert.is(check.code, 0, check.stdout + check.stderr);
  // The network status the controller read was written by the real kube-adaptor's collector, in the
  // shape the router stand-in now writes too (test/stand-in/real-router-fidelity.test.ts).
  const read = async () => JSON.parse((await east.client.get(CONFIG_MAPS, 'skupper-network-status', east.ns)).data!.NetworkStatus!) as NetworkStatus;
  const doc = await eventually(read, (d) => Boolean(d?.siteStatus.every((s) => s.routerStatus)));
  assert.equal(networkStatusShape(doc, 'east'), REAL_COLLECTOR_SHAPE, JSON.stringify(doc));
  assert.not.match(JSON.stringify(doc), /stand-in/);
});

test('the token procedure on real routers: our token redeem, and upstream skupper token redeem of our token', async () => {
  const { west, east } = await realSites();
  await grantServer(west.ns);
  const dir = workDir();
  const file = join(dir, 'west.yaml');
  assert.is((await run(west.ns, 'token', 'issue', file, '--redemptions-allowed', '2')).code, 0);
  const token = parse(readFileSync(file, 'utf8')) as AccessToken;
  const redeemed = await run(east.ns, 'token', 'redeem', file);
  assert.is(redeemed.code, 0, redeemed.stderr);
  await linkReady(east, token.metadata.name);
  await assertRoutersLinked(west, east, token.metadata.name);

  // The same token file, redeemed by the upstream CLI on a third site.
  const north: RealSite = await (async () => {
    const ns = await freshNamespace('rnorth');
    const handle = await standIn(ns, { realRouter: true });
    assert.is((await run(ns, 'site', 'create', 'north', '--timeout', '120s')).code, 0);
    return { ns, client: await adminClient(ns), router: handle.realRouter! };
  })();
  const c = await cluster();
  const up = await skupper(c.kubeconfig, north.ns, ['token', 'redeem', file, '--timeout', '60s'], { cwd: dir });
  assert.is(up.code, 0, up.stdout + up.stderr);
  const links = await eventually(async () => (await north.client.list(LINKS, north.ns)).items, (ls) => (ls?.length ?? 0) > 0);
  await linkReady(north, links[0]!.metadata.name);
  const inbound = await eventually(() => west.router.connections(), (cs) => (cs?.filter((x) => x.role === 'inter-router' && x.dir === 'in').length ?? 0) >= 2);
  assert.is(inbound.filter((x) => x.role === 'inter-router' && x.dir === 'in').length, 2, 'west has an inter-router connection from east and one from north');
});

test('a link whose CA is wrong is never Ready; link status and doctor say why', async () => {
  const { west, east } = await realSites();
  const gen = await run(west.ns, 'link', 'generate');
  assert.is(gen.code, 0, gen.stderr);
  // The Secret trusts another CA than west's: east's router must refuse west's server certificate.
  const other = await createCA('not-west', { keyType: 'ecdsa' });
  const docs = parseAllDocuments(gen.stdout).map((d) => d.toJS() as Secret | Link);
  for (const object of docs) if (object.kind === 'Secret') (object as Secret).data!['ca.crt'] = b64(other.cert);
  await applyGenerated(docs.map((d) => JSON.stringify(d)).join('\n---\n'), east);
  await configureNow(east.ns, 'link-west-skupper-router', 60_000);
  // A working link forms within a second or two of being configured; give this one far longer.
  await new Promise((r) => setTimeout(r, 15_000));
  const link = await east.client.get(LINKS, 'link-west-skupper-router', east.ns);
  assert.is.not(link.status?.status, 'Ready', JSON.stringify(link.status));
  assert.not.ok((await west.router.connections()).some((x) => x.role === 'inter-router'), 'west accepted no inter-router connection');
  const status = await run(east.ns, 'link', 'status');
  assert.match(status.stdout, /link-west-skupper-router\s+(Pending|Error)/);
  // link check agrees with the routers: the server certificate is not trusted by the link's CA.
  const check = await run(east.ns, 'link', 'check', 'link-west-skupper-router');
  assert.is.not(check.code, 0);
  assert.match(check.stdout, /inter-router\s+\S+:55671\s+yes\s+no\s/);
  const doctor = await run(east.ns, 'doctor');
  assert.is.not(doctor.code, 0);
  assert.match(doctor.stdout + doctor.stderr, /link-west-skupper-router[\s\S]*server certificate/);
});

test('a TCP listener on one site and a connector on the other carry bytes both ways through the real routers', async () => {
  const c = await cluster();
  const { west, east } = await realSites();
  const gen = await run(west.ns, 'link', 'generate');
  await applyGenerated(gen.stdout, east);
  await linkReady(east, 'link-west-skupper-router');
  // The workload behind the connector: on the bridge, reachable from west's node only through it.
  const { net } = await nodeNetwork(c);
  const server: Server = createServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(Buffer.from(chunk.toString().toUpperCase()))));
  await new Promise<void>((resolve) => server.listen(0, net.hostAddress, () => resolve()));
  const port = (server.address() as { port: number }).port;
  try {
    // Made directly: the plugin's own listener and connector commands are not what is tested here.
    await west.client.create(CONNECTORS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Connector', metadata: { name: 'echo' }, spec: { routingKey: 'echo', host: net.hostAddress, port } }, west.ns);
    await east.client.create(LISTENERS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name: 'echo' }, spec: { routingKey: 'echo', host: 'echo', port: 10090 } }, east.ns);
    // The controller gives the listener a router port of its own (the Service's target port).
    const routerPort = async () => {
      const config = JSON.parse((await east.client.get(CONFIG_MAPS, 'skupper-router', east.ns)).data!['skrouterd.json']!) as [string, Record<string, unknown>][];
      return Number(config.find(([k, e]) => k === 'tcpListener' && e.address === 'echo')?.[1].port);
    };
    const listenPort = await eventually(routerPort, (p) => Number.isInteger(p) && p > 0);
    const eastAddress = east.router.node()!.address;
    const payload = 'hello across the skupper network '.repeat(2000);
    const reply = await eventually(() => roundTrip(eastAddress, listenPort, payload), (r) => r === payload.toUpperCase(), 90_000);
    assert.is(reply?.length, payload.length, 'the whole payload came back');
    assert.is(reply, payload.toUpperCase());
  } finally {
    server.close();
  }
});

/** Sends text to host:port, half-closes, and resolves with everything read back. */
function roundTrip(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let got = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('timeout'))), 10_000);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got.length >= text.length) (clearTimeout(timer), socket.end(), resolve(got));
    });
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
    socket.on('close', () => (clearTimeout(timer), got.length >= text.length ? resolve(got) : reject(new Error(`closed after ${got.length} bytes`))));
  });
}

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
