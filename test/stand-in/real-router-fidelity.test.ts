// What the real skupper-router 3.5.1 and kube-adaptor 2.2.1 showed the stand-ins lacked (see
// docs/interop-real-routers.md), pinned here in the default mode: server certificates name IP hosts
// as DNS SANs too, the router stand-in checks names as the router does, Secrets behind sslProfiles
// carry internal.skupper.io/tls-profile-context, and the router config has the RouterAccess listeners.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { KubeClient } from '../../src/kube/client.js';
import { LINKS, SECRETS, SITES, type Link, type Secret } from '../../src/kube/resources.js';
import { ControllerStandIn } from './controller-stand-in.js';
import { b64d, CONFIG_MAPS } from './kinds.js';
import { routerPeerNameError } from './peer-name.js';
import type { NetworkStatus } from './network-status.js';
import { networkStatusShape, REAL_COLLECTOR_SHAPE } from './network-status-shape.js';
import { PROFILE_CONTEXT } from './profiles.js';
import { RouterStandIn } from './router-stand-in.js';
import { adminClient, cluster, freshNamespace } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';

const started: { stop(): Promise<void> }[] = [];

function peerOf(pem: string) {
  const x = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1];
  return { subjectaltname: x.subjectAltName ?? '', subject: { CN: cn } } as Parameters<typeof routerPeerNameError>[1];
}

test('a server certificate for an IP host passes the router\'s name check; one with only an IP SAN does not', async () => {
  const ca = await createCA('peer-name-ca', { keyType: 'ecdsa' });
  const ours = await issueCertificate(ca, { commonName: 'skupper-router', hosts: ['skupper-router', '10.9.8.7'], server: true });
  assert.is(routerPeerNameError('10.9.8.7', peerOf(ours.cert)), undefined);
  assert.is(routerPeerNameError('SKUPPER-ROUTER', peerOf(ours.cert)), undefined);
  // What our certificate code made before: the IP as an IP SAN only (openssl makes it here).
  const dir = mkdtempSync(join(tmpdir(), 'ks-peer-name-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=skupper-router', '-addext', 'subjectAltName=DNS:skupper-router,IP:10.9.8.7', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], { stdio: 'ignore' });
    const ipOnly = readFileSync(join(dir, 'c'), 'utf8');
    assert.ok(new X509Certificate(ipOnly).checkIP('10.9.8.7'), 'Node itself accepts the IP SAN');
    assert.match(String(routerPeerNameError('10.9.8.7', peerOf(ipOnly))), /no name matching 10\.9\.8\.7/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(routerPeerNameError('a.example', { subjectaltname: 'DNS:*.example', subject: {} } as never) === undefined, 'one-label wildcard');
  assert.ok(routerPeerNameError('a.b.example', { subjectaltname: 'DNS:*.example', subject: {} } as never) !== undefined, 'a wildcard spans one label only');
});

async function standInNamespace(prefix: string): Promise<{ ns: string; client: KubeClient }> {
  const ns = await freshNamespace(prefix);
  const client = await adminClient(ns);
  started.push(new ControllerStandIn({ client, namespace: ns }).start(), new RouterStandIn({ client, namespace: ns }).start());
  return { ns, client };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

test('the controller stand-in writes the RouterAccess listeners and annotates the Secrets behind sslProfiles, as upstream', async () => {
  const c = await cluster();
  const west = await standInNamespace('rfwest');
  const east = await standInNamespace('rfeast');
  assert.is((await plugin(['site', 'create', 'west', '--enable-link-access', '--timeout', '60s', '--kubeconfig', c.kubeconfig, '-n', west.ns])).code, 0);
  assert.is((await plugin(['site', 'create', 'east', '--timeout', '60s', '--kubeconfig', c.kubeconfig, '-n', east.ns])).code, 0);

  const config = JSON.parse((await west.client.get(CONFIG_MAPS, 'skupper-router', west.ns)).data!['skrouterd.json']!) as [string, Record<string, unknown>][];
  const listeners = config.filter(([k]) => k === 'listener').map(([, e]) => e);
  assert.equal(listeners.find((l) => l.name === 'skupper-router-inter-router'), { name: 'skupper-router-inter-router', role: 'inter-router', port: 55671, sslProfile: 'skupper-site-server', saslMechanisms: 'EXTERNAL', authenticatePeer: true });
  assert.equal(listeners.find((l) => l.name === 'skupper-router-edge'), { name: 'skupper-router-edge', role: 'edge', port: 45671, sslProfile: 'skupper-site-server', saslMechanisms: 'EXTERNAL', authenticatePeer: true });
  assert.ok(config.some(([k, e]) => k === 'sslProfile' && e.name === 'skupper-site-server' && e.caCertFile === '/etc/skupper-router-certs/skupper-site-server/ca.crt'));
  const eastConfig = JSON.parse((await east.client.get(CONFIG_MAPS, 'skupper-router', east.ns)).data!['skrouterd.json']!) as [string, Record<string, unknown>][];
  assert.not.ok(eastConfig.some(([k, e]) => k === 'listener' && String(e.name).startsWith('skupper-router-')), 'no RouterAccess listeners without link access');

  const context = async (client: KubeClient, ns: string, name: string) => (await client.get(SECRETS, name, ns)).metadata.annotations?.[PROFILE_CONTEXT];
  // Its ordinal goes up when the controller reissues it (the load-balancer address arrives): 0 or more.
  const siteServer = JSON.parse((await eventually(() => context(west.client, west.ns, 'skupper-site-server'), (v) => v !== undefined)) ?? '[]') as { profileName: string; ordinal: number }[];
  assert.equal(siteServer.map((p) => p.profileName), ['skupper-site-server']);
  assert.ok(Number.isInteger(siteServer[0]!.ordinal) && siteServer[0]!.ordinal >= 0);
  assert.is(await context(west.client, west.ns, 'skupper-local-server'), '[{"profileName":"skupper-local-server","ordinal":0}]');
  assert.is(await context(west.client, west.ns, 'skupper-site-ca'), undefined, 'a Secret behind no profile is left alone');

  // The server certificate names its load-balancer address as a DNS SAN too.
  const server = await west.client.get(SECRETS, 'skupper-site-server', west.ns);
  const address = (await west.client.get(SITES, 'west', west.ns)).status?.endpoints?.find((e) => e.name === 'inter-router')?.host;
  assert.ok(address);
  assert.ok(new X509Certificate(b64d(server.data!['tls.crt']!)).subjectAltName?.split(', ').includes(`DNS:${address}`));

  // A link's Secret, once its Link is configured, carries the context of the profile <secret>-profile.
  const gen = await plugin(['link', 'generate', '--kubeconfig', c.kubeconfig, '-n', west.ns]);
  assert.is(gen.code, 0, gen.stderr);
  for (const doc of parseAllDocuments(gen.stdout)) {
    const object = doc.toJS() as Secret | Link;
    if (object.kind === 'Secret') await east.client.create(SECRETS, object, east.ns);
    else await east.client.create(LINKS, object, east.ns);
  }
  assert.is((await plugin(['link', 'status', '--wait', 'ready', '--timeout', '60s', '--kubeconfig', c.kubeconfig, '-n', east.ns])).code, 0);
  assert.is(await eventually(() => context(east.client, east.ns, 'link-west'), (v) => v !== undefined), '[{"profileName":"link-west-profile","ordinal":0}]');

  // The network status in the shape the real collector wrote (test/interop/real-routers.test.ts checks the real one).
  const doc = JSON.parse((await east.client.get(CONFIG_MAPS, 'skupper-network-status', east.ns)).data!.NetworkStatus!) as NetworkStatus;
  assert.equal(networkStatusShape(doc, 'east'), REAL_COLLECTOR_SHAPE);
});


test.after.each(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

test.run();
