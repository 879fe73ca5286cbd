// SITE STAND-IN — test and demo only. No Skupper controller or router can run here (no kubelet,
// no images), so this plays their parts for one namespace, in the upstream formats:
//  - for a Site: the site CA Secret (skupper-site-ca), and the Site's status (conditions with
//    observedGeneration, defaultIssuer);
//  - with link access on: the server certificate Secret (skupper-site-server), TLS listeners on
//    loopback for the inter-router and edge roles that demand client certificates signed by the
//    site CA (as the router's listeners do), published as status.endpoints;
//  - for each Link: it dials the Link's endpoints with the Link's own Secret and sets the Link's
//    status: Ready "OK" after a real mTLS handshake, Pending "Not Operational" while it cannot
//    connect, Error with the reason when the credentials are refused.
// It reconciles by polling the API server every few hundred milliseconds: simple and plenty fast
// for tests. It is never shipped in the plugin.
import { connect as tlsConnect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { PemPair } from '../../src/certs/pem.js';
import type { KubeClient } from '../../src/kube/client.js';
import { LINKS, SECRETS, SITES, type Condition, type Link, type Secret, type Site } from '../../src/kube/resources.js';

export interface StandInOptions {
  client: KubeClient;
  namespace: string;
  /** When false the router never runs: the Site stays Pending "Not Running" (for timeout tests). */
  running?: boolean;
  /** How long a new Link stays Pending "Not Operational" before it is dialled, as a router takes a moment to connect. */
  operationalDelayMs?: number;
  /** How often to reconcile. */
  intervalMs?: number;
  log?: (line: string) => void;
}

interface Listener {
  role: 'inter-router' | 'edge';
  group: string;
  server: Server;
  port: number;
  /** Open connections, so that closing can end them: close() alone waits for every peer. */
  sockets: Set<Socket>;
}

interface SiteState {
  uid: string;
  ca: PemPair;
  listeners: Listener[];
  linkAccessKey: string; // what the listeners were made for: linkAccess + ha
}

const CA_SECRET = 'skupper-site-ca';
const SERVER_SECRET = 'skupper-site-server';

export class SiteStandIn {
  private readonly client: KubeClient;
  private readonly ns: string;
  private timer?: NodeJS.Timeout;
  private running = false;
  private busy?: Promise<void>;
  private readonly sites = new Map<string, SiteState>();
  /** When each Link (by uid and generation) was first seen, for operationalDelayMs. */
  private readonly firstSeen = new Map<string, number>();
  /** Last status written per Link, so that we write only changes. */
  private readonly linkStatus = new Map<string, string>();

  constructor(private readonly opts: StandInOptions) {
    this.client = opts.client;
    this.ns = opts.namespace;
  }

  start(): this {
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      this.busy = this.reconcile()
        .catch((err: unknown) => this.opts.log?.(`stand-in ${this.ns}: ${(err as Error).message}`))
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, this.opts.intervalMs ?? 250);
        });
    };
    tick();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.busy;
    for (const state of this.sites.values()) await closeListeners(state.listeners);
    this.sites.clear();
  }

  /** One pass: make the world match the Sites and Links in the namespace. */
  async reconcile(): Promise<void> {
    const sites = (await this.client.list(SITES, this.ns)).items;
    for (const site of sites) await this.reconcileSite(site);
    for (const [name, state] of this.sites) {
      if (!sites.some((s) => s.metadata.name === name)) {
        await closeListeners(state.listeners);
        this.sites.delete(name);
      }
    }
    const links = (await this.client.list(LINKS, this.ns)).items;
    for (const link of links) await this.reconcileLink(link);
  }

  private async reconcileSite(site: Site): Promise<void> {
    const name = site.metadata.name;
    let state = this.sites.get(name);
    if (!state || state.uid !== site.metadata.uid) {
      if (state) await closeListeners(state.listeners);
      state = { uid: site.metadata.uid!, ca: await this.ensureCa(site), listeners: [], linkAccessKey: '' };
      this.sites.set(name, state);
    }
    const linkAccess = site.spec.linkAccess && site.spec.linkAccess !== 'none' ? site.spec.linkAccess : '';
    const key = linkAccess ? `${linkAccess}/${site.spec.ha ? 'ha' : 'single'}` : '';
    if (key !== state.linkAccessKey) {
      await closeListeners(state.listeners);
      state.listeners = [];
      if (key) {
        const serverCert = await this.ensureServerCert(state.ca);
        const groups = site.spec.ha ? ['skupper-router', 'skupper-router-2'] : ['skupper-router'];
        for (const group of groups) {
          for (const role of ['inter-router', 'edge'] as const) {
            state.listeners.push(await this.listen(site, state.ca, serverCert, role, group));
          }
        }
      }
      state.linkAccessKey = key;
    }
    await this.writeSiteStatus(site, state, Boolean(linkAccess));
  }

  private async ensureCa(site: Site): Promise<PemPair> {
    const existing = await this.client.find(SECRETS, CA_SECRET, this.ns);
    if (existing?.data?.['tls.crt'] && existing.data['tls.key']) {
      return { cert: b64d(existing.data['tls.crt']), key: b64d(existing.data['tls.key']) };
    }
    const ca = await createCA(`${site.metadata.name} site CA`, { keyType: 'rsa' });
    await this.client.create(SECRETS, tlsSecret(CA_SECRET, this.ns, ca, ca.cert, site), this.ns);
    return ca;
  }

  private async ensureServerCert(ca: PemPair): Promise<PemPair> {
    const existing = await this.client.find(SECRETS, SERVER_SECRET, this.ns);
    if (existing?.data?.['tls.crt'] && existing.data['tls.key']) {
      return { cert: b64d(existing.data['tls.crt']), key: b64d(existing.data['tls.key']) };
    }
    const hosts = ['127.0.0.1', 'localhost', 'skupper-router', `skupper-router.${this.ns}`];
    const pair = await issueCertificate(ca, { commonName: 'skupper-router', hosts, server: true, client: true, keyType: 'rsa' });
    await this.client.create(SECRETS, tlsSecret(SERVER_SECRET, this.ns, pair, ca.cert), this.ns);
    return pair;
  }

  /** A listener like the router's: TLS, client certificate required and signed by the site CA. */
  private async listen(site: Site, ca: PemPair, serverCert: PemPair, role: Listener['role'], group: string): Promise<Listener> {
    const server = createServer({ cert: serverCert.cert, key: serverCert.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (socket: TLSSocket) => {
      // The router would speak AMQP here; we introduce the site so the dialer can name it.
      socket.end(JSON.stringify({ siteId: site.metadata.uid, siteName: site.metadata.name }) + '\n');
    });
    server.on('tlsClientError', () => {}); // refused clients are expected in tests
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { role, group, server, port: (server.address() as AddressInfo).port, sockets };
  }

  private async writeSiteStatus(site: Site, state: SiteState, linkAccess: boolean): Promise<void> {
    const generation = site.metadata.generation ?? 1;
    const running = this.opts.running !== false;
    const conditions: Condition[] = [condition('Configured', generation, true, 'Ready', 'OK', site)];
    if (running) conditions.push(condition('Running', generation, true, 'Ready', 'OK', site));
    if (linkAccess) conditions.push(condition('Resolved', generation, true, 'Ready', 'OK', site));
    const required = ['Configured', 'Running', ...(linkAccess ? ['Resolved'] : [])];
    const missing = required.find((t) => !conditions.some((c) => c.type === t));
    const status = {
      status: missing ? 'Pending' : 'Ready',
      message: missing ? `Not ${missing}` : 'OK',
      conditions,
      defaultIssuer: CA_SECRET,
      sitesInNetwork: 1,
      endpoints: state.listeners.map((l) => ({ name: l.role, host: '127.0.0.1', port: String(l.port), group: l.group })),
    };
    const current = site.status ?? {};
    const same =
      current.status === status.status &&
      current.message === status.message &&
      JSON.stringify(current.endpoints ?? []) === JSON.stringify(status.endpoints) &&
      (current.conditions ?? []).every((c) => c.observedGeneration === generation) &&
      (current.conditions ?? []).length === conditions.length;
    if (same) return;
    await this.client.patch(SITES, site.metadata.name, { status }, this.ns, 'status');
  }

  private async reconcileLink(link: Link): Promise<void> {
    const generation = link.metadata.generation ?? 1;
    const seenKey = `${link.metadata.uid}/${generation}`;
    if (!this.firstSeen.has(seenKey)) this.firstSeen.set(seenKey, Date.now());
    const waiting = Date.now() - this.firstSeen.get(seenKey)! < (this.opts.operationalDelayMs ?? 0);
    const result = waiting ? ({ kind: 'pending' } as const) : await this.tryLink(link);
    const conditions: Condition[] = [];
    let status: { status: string; message: string; remoteSiteId?: string; remoteSiteName?: string };
    if (result.kind === 'error') {
      conditions.push(condition('Configured', generation, false, 'Error', result.message, link));
      status = { status: 'Error', message: result.message };
    } else {
      conditions.push(condition('Configured', generation, true, 'Ready', 'OK', link));
      if (result.kind === 'ok') {
        conditions.push(condition('Operational', generation, true, 'Ready', 'OK', link));
        status = { status: 'Ready', message: 'OK', remoteSiteId: result.siteId, remoteSiteName: result.siteName };
      } else {
        status = { status: 'Pending', message: 'Not Operational' };
      }
    }
    const key = `${link.metadata.uid}/${generation}/${JSON.stringify(status)}`;
    if (this.linkStatus.get(link.metadata.name) === key && link.status?.status === status.status) return;
    await this.client.patch(LINKS, link.metadata.name, { status: { ...status, conditions } }, this.ns, 'status');
    this.linkStatus.set(link.metadata.name, key);
  }

  /** Dials the Link's inter-router endpoint (edge when this is an edge link) with its own Secret. */
  private async tryLink(link: Link): Promise<{ kind: 'ok'; siteId: string; siteName: string } | { kind: 'pending' } | { kind: 'error'; message: string }> {
    const secretName = link.spec.tlsCredentials;
    if (!secretName) return { kind: 'error', message: 'spec.tlsCredentials is not set' };
    const secret = await this.client.find(SECRETS, secretName, this.ns);
    if (!secret) return { kind: 'error', message: `Secret "${secretName}" not found` };
    const cert = b64d(secret.data?.['tls.crt'] ?? '');
    const key = b64d(secret.data?.['tls.key'] ?? '');
    const ca = b64d(secret.data?.['ca.crt'] ?? '');
    if (!cert || !key || !ca) return { kind: 'error', message: `Secret "${secretName}" lacks tls.crt, tls.key or ca.crt` };
    const endpoint = link.spec.endpoints.find((e) => e.name === 'inter-router') ?? link.spec.endpoints[0];
    if (!endpoint?.host || !endpoint.port) return { kind: 'error', message: 'the Link has no usable endpoint' };
    try {
      return await dial(endpoint.host, Number(endpoint.port), { cert, key, ca });
    } catch (err) {
      // Unreadable PEM: the router would refuse to load the sslProfile.
      return { kind: 'error', message: `Secret "${secretName}" holds unusable credentials: ${(err as Error).message}` };
    }
  }
}

function dial(host: string, port: number, creds: { cert: string; key: string; ca: string }): Promise<{ kind: 'ok'; siteId: string; siteName: string } | { kind: 'pending' } | { kind: 'error'; message: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Awaited<ReturnType<typeof dial>>) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    const socket = tlsConnect({ host, port, cert: creds.cert, key: creds.key, ca: creds.ca, servername: host.match(/^[\d.]+$/) ? undefined : host, timeout: 3000 });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const line = data.split('\n')[0];
      if (data.includes('\n') && line) {
        const hello = JSON.parse(line) as { siteId: string; siteName: string };
        finish({ kind: 'ok', siteId: hello.siteId, siteName: hello.siteName });
      }
    });
    socket.on('timeout', () => finish({ kind: 'pending' }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(err.code ?? '') && !socket.authorized) {
        finish(err.code === 'ECONNRESET' ? { kind: 'error', message: 'the remote site closed the connection during the TLS handshake (client certificate refused?)' } : { kind: 'pending' });
        return;
      }
      finish({ kind: 'error', message: tlsMessage(err) });
    });
    socket.on('end', () => finish(data ? { kind: 'pending' } : { kind: 'error', message: 'the remote site refused our client certificate' }));
  });
}

function tlsMessage(err: NodeJS.ErrnoException): string {
  if (/alert number 48|unknown ca/i.test(err.message)) return 'the remote site refused our client certificate (unknown CA)';
  if (/alert number 42|bad certificate/i.test(err.message)) return 'the remote site refused our client certificate (bad certificate)';
  if (/certificate/i.test(err.message) || err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT')) return `the remote site's certificate is not trusted: ${err.message}`;
  return err.message;
}

function condition(type: string, generation: number, ok: boolean, reason: string, message: string, owner: { status?: { conditions?: Condition[] } }): Condition {
  const previous = owner.status?.conditions?.find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  return {
    type,
    status,
    reason,
    message,
    observedGeneration: generation,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function tlsSecret(name: string, namespace: string, pair: PemPair, caCert: string, owner?: Site): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion, kind: 'Site', name: owner.metadata.name, uid: owner.metadata.uid! }] } : {}),
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key), 'ca.crt': b64(caCert) },
  };
}

async function closeListeners(listeners: Listener[]): Promise<void> {
  await Promise.all(
    listeners.map(
      (l) =>
        new Promise<void>((resolve) => {
          l.server.close(() => resolve());
          for (const socket of l.sockets) socket.destroy();
        }),
    ),
  );
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64d = (s: string) => Buffer.from(s, 'base64').toString('utf8');
