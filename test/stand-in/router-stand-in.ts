// ROUTER STAND-IN — test and demo only. Plays, for one namespace, what the Skupper controller needs
// from a real cluster and cannot get here (no kubelet, no cloud, no images), next to either the
// controller stand-in or the real upstream controller (interop mode):
//  - the cloud load balancer: each LoadBalancer Service gets its own loopback address 127.a.b.c in
//    status.loadBalancer.ingress (picked at random and bound first, so parallel test runs on one
//    machine do not collide);
//  - the kubelet: a Pod for each router Deployment, with its template's labels, Running and Ready;
//  - the router: TLS listeners on that address at the Service's ports, with the site's server
//    certificate Secret (from the RouterAccess), demanding client certificates signed by the site
//    CA; it dials each Link's endpoint with the Link's own Secret and writes the network status
//    (ConfigMap skupper-network-status) as the router's kube-adaptor does: a link is "up" with its
//    peer only after a real mTLS handshake, "down" otherwise; it checks the server's name as the
//    real router does (DNS SANs and CN only, see peer-name.ts);
//  - the garbage collector: once a Site is deleted, the objects whose owners are all gone are
//    deleted, in turn (Deployments, then their Pods; Certificates, then their Secrets; Links...),
//    so that a site created again in the namespace starts afresh, as in a real cluster.
// Deviation: a real router dials a Link once the controller has put its connector in the router
// config; this one dials every Link at once, so that the network status naming it is what makes
// 2.2.1 configure a new Link instead of its 30 s resync (see docs/testing.md).
import { connect as tlsConnect, createServer, type Server, type TLSSocket } from 'node:tls';
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import type { KubeClient } from '../../src/kube/client.js';
import { CERTIFICATES, LINKS, ROUTER_ACCESSES, SECRETS, SECURED_ACCESSES, SITES, type Link, type ObjectMeta, type ResourceType, type Site } from '../../src/kube/resources.js';
import { SkupperError } from '../../src/errors.js';
import { b64d, CONFIG_MAPS, DEPLOYMENTS, NETWORK_STATUS, PODS, PollingLoop, ROUTER_COMPONENT, ROUTER_CONFIG, SERVICES, type Pod } from './kinds.js';
import { accessPoint, type NetworkStatus, type RouterStatusInfo, type SiteStatusInfo } from './network-status.js';
import { routerPeerNameError } from './peer-name.js';

export interface RouterStandInOptions {
  client: KubeClient;
  namespace: string;
  /** When false there are no router Pods: the Site stays Pending "Not Running" (for timeout tests). */
  running?: boolean;
  /** How long a new Link waits before it is dialled, as a router takes a moment to connect. */
  operationalDelayMs?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

/** What two routers tell each other over a link: who they are, and their tcp listeners and connectors. */
interface Hello {
  siteId: string;
  siteName: string;
  namespace: string;
  listeners?: RouterStatus['listeners'];
  connectors?: RouterStatus['connectors'];
}

type RouterStatus = RouterStatusInfo;

/** How long a site that dialled us counts as a peer without dialling again (it re-dials every 2 s). */
const INBOUND_PEER_MS = 6000;

interface Balancer {
  address: string;
  servers: Server[];
  sockets: Set<Socket>;
  /** The Secret resourceVersion the listeners serve with. */
  credentials?: string;
}

/** Owners whose loss the garbage collector acts on, and the kinds it deletes. */
const OWNERS: ResourceType[] = [SITES, CERTIFICATES, ROUTER_ACCESSES, SECURED_ACCESSES, DEPLOYMENTS, LINKS];
const OWNED: ResourceType[] = [DEPLOYMENTS, PODS, CONFIG_MAPS, SECRETS, CERTIFICATES, ROUTER_ACCESSES, SECURED_ACCESSES, LINKS, SERVICES];

type DialResult = { up: true; peer: Hello } | { up: false };

export class RouterStandIn extends PollingLoop {
  private readonly client: KubeClient;
  private readonly ns: string;
  private readonly balancers = new Map<string, Balancer>();
  private site?: Site;
  /** When each Link (by uid and generation) was first seen, for operationalDelayMs. */
  private readonly firstSeen = new Map<string, number>();
  private readonly seenLinks = new Set<string>();
  private readonly reportedAt = new Map<string, number>();
  private readonly results = new Map<string, { key: string; at: number; result: DialResult }>();
  private lastStatus = '';
  /** The Sites of the last pass, and whether the garbage collector has work since one went away. */
  private siteUids = new Set<string>();
  private collecting = false;
  /** Sites whose links reached us, from the hello they sent, by site id. */
  private readonly inbound = new Map<string, { hello: Hello; at: number }>();
  /** Our own tcp listeners and connectors, from the router config. */
  private services: Pick<Hello, 'listeners' | 'connectors'> = {};

  constructor(private readonly opts: RouterStandInOptions) {
    super(`router stand-in ${opts.namespace}`, opts.intervalMs ?? 200, opts.log);
    this.client = opts.client;
    this.ns = opts.namespace;
  }

  /** The loopback addresses given to the site's load balancers, by Service name. */
  addresses(): Map<string, string> {
    return new Map([...this.balancers].map(([name, b]) => [name, b.address]));
  }

  async reconcile(): Promise<void> {
    const sites = (await this.client.list(SITES, this.ns)).items.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    this.site = sites[0];
    const uids = new Set(sites.map((s) => s.metadata.uid!));
    if ([...this.siteUids].some((uid) => !uids.has(uid))) this.collecting = true;
    this.siteUids = uids;
    // One generation of orphans per pass, until a pass finds none.
    if (this.collecting) this.collecting = await this.collectGarbage();
    await this.playCloud();
    await this.playKubelet();
    await this.playRouter();
  }

  protected override async release(): Promise<void> {
    await Promise.all([...this.balancers.values()].map(closeBalancer));
    this.balancers.clear();
  }

  // --- Cloud load balancer and the router's listeners ------------------------------------------

  private async playCloud(): Promise<void> {
    const services = (await this.client.list(SERVICES, this.ns)).items.filter((s) => s.spec.type === 'LoadBalancer');
    const access = (await this.client.list(ROUTER_ACCESSES, this.ns)).items[0];
    const secret = access ? await this.client.find(SECRETS, access.spec.tlsCredentials, this.ns) : undefined;
    for (const svc of services) {
      let balancer = this.balancers.get(svc.metadata.name);
      if (!balancer) {
        balancer = await this.bind(svc.spec.ports.map((p) => p.port));
        this.balancers.set(svc.metadata.name, balancer);
      }
      // The router loads the server certificate again whenever the controller reissues it.
      if (secret?.data?.['tls.crt'] && secret.metadata.resourceVersion !== balancer.credentials) {
        const context = { cert: b64d(secret.data['tls.crt']), key: b64d(secret.data['tls.key'] ?? ''), ca: b64d(secret.data['ca.crt'] ?? '') };
        for (const server of balancer.servers) server.setSecureContext(context);
        balancer.credentials = secret.metadata.resourceVersion;
      }
      if (svc.status?.loadBalancer?.ingress?.[0]?.ip !== balancer.address) {
        await this.client.patch(SERVICES, svc.metadata.name, { status: { loadBalancer: { ingress: [{ ip: balancer.address }] } } }, this.ns, 'status');
      }
    }
    for (const [name, balancer] of this.balancers) {
      if (!services.some((s) => s.metadata.name === name)) {
        await closeBalancer(balancer);
        this.balancers.delete(name);
      }
    }
  }

  /** Listeners on a fresh loopback address for every port; another address when one is taken. */
  private async bind(ports: number[]): Promise<Balancer> {
    for (let attempt = 0; ; attempt++) {
      const address = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      const balancer: Balancer = { address, servers: [], sockets: new Set() };
      try {
        for (const port of ports) balancer.servers.push(await this.listen(address, port, balancer.sockets));
        return balancer;
      } catch (err) {
        await closeBalancer(balancer);
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 20) throw err;
      }
    }
  }

  /** A listener like the router's: TLS, client certificate required and signed by the site CA. */
  private async listen(address: string, port: number, sockets: Set<Socket>): Promise<Server> {
    // No credentials until the controller has made them: handshakes fail until then, as they would.
    const server = createServer({ requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (socket: TLSSocket) => {
      // The router would speak AMQP here; we introduce the site so the dialer can name its peer,
      // and read the dialer's introduction (link check sends none: then we hang up after a second).
      socket.write(JSON.stringify(this.hello()) + '\n');
      let data = '';
      const hangUp = setTimeout(() => socket.end(), 1000);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
        if (!data.includes('\n')) return;
        clearTimeout(hangUp);
        try {
          const hello = JSON.parse(data.split('\n')[0]!) as Hello;
          if (hello.siteId) this.inbound.set(hello.siteId, { hello, at: Date.now() });
        } catch {
          // not a router: ignore
        }
        socket.end();
      });
      socket.on('error', () => clearTimeout(hangUp));
      socket.on('close', () => clearTimeout(hangUp));
    });
    server.on('tlsClientError', () => {}); // refused clients are expected in tests
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    return server;
  }

  // --- Garbage collector ----------------------------------------------------------------------------

  /** Deletes the objects whose owners (of the kinds below) are all gone; true when it deleted any. */
  private async collectGarbage(): Promise<boolean> {
    const live = new Set<string>();
    const known = new Set<string>();
    for (const type of OWNERS) {
      const items = await this.items(type);
      if (!items) continue;
      known.add(type.kind);
      for (const o of items) live.add(o.metadata.uid!);
    }
    let deleted = false;
    for (const type of OWNED) {
      for (const o of (await this.items(type)) ?? []) {
        const refs = o.metadata.ownerReferences ?? [];
        // An owner of a kind not read here (a ReplicaSet; SecuredAccess without its CRD) is not known to be gone.
        if (refs.length === 0 || !refs.every((r) => known.has(r.kind) && !live.has(r.uid))) continue;
        try {
          await this.client.delete(type, o.metadata.name, this.ns, { propagation: 'Background' });
          deleted = true;
        } catch (err) {
          if (!(err instanceof SkupperError && err.code === 'NOT_FOUND')) throw err;
        }
      }
    }
    return deleted;
  }

  /** The objects of a kind; undefined when the kind is not installed (SecuredAccess has no CRD in the default mode). */
  private async items(type: ResourceType): Promise<{ metadata: ObjectMeta }[] | undefined> {
    try {
      return (await this.client.list(type as ResourceType<{ metadata: ObjectMeta }>, this.ns)).items;
    } catch (err) {
      if (err instanceof SkupperError && err.code === 'CRDS_MISSING') return undefined;
      throw err;
    }
  }

  // --- Kubelet ------------------------------------------------------------------------------------

  private async playKubelet(): Promise<void> {
    const deployments = (await this.client.list(DEPLOYMENTS, this.ns, { labelSelector: `${ROUTER_COMPONENT}=router` })).items;
    // Not running: no router Pod at all, as when none can be scheduled.
    if (this.opts.running === false) return;
    for (const deployment of deployments) {
      const name = `${deployment.metadata.name}-stand-in`;
      let pod = await this.client.find(PODS, name, this.ns);
      if (!pod) {
        const template = deployment.spec.template;
        // Only the labels matter to the controller; the containers never run here.
        const containers = template.spec.containers.map((c) => ({ name: c.name, image: c.image }));
        // Owned by the Deployment (a real one by its ReplicaSet), so that the Pod goes with it.
        const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid! };
        pod = await this.client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: template.metadata.labels, ownerReferences: [owner] }, spec: { containers } } as Pod, this.ns);
      }
      // A Pod of the Deployment of a Site deleted before is the garbage collector's, not this
      // Deployment's: reusing it made a re-created Site Ready, then Pending once it was collected.
      if (pod.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.uid !== deployment.metadata.uid)) continue;
      if (pod.status?.phase === 'Running') continue;
      await this.client.patch(PODS, name, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, this.ns, 'status');
    }
  }

  // --- Router: links and the network status ----------------------------------------------------

  private hello(): Hello {
    const site = this.site;
    return { siteId: site?.metadata.uid ?? '', siteName: site?.metadata.name ?? '', namespace: this.ns, ...this.services };
  }

  /** The tcpListener and tcpConnector entries of our router config, as the router reports them. */
  private async readServices(): Promise<void> {
    const cm = await this.client.find(CONFIG_MAPS, ROUTER_CONFIG, this.ns);
    let config: [string, Record<string, unknown>][] = [];
    try {
      config = JSON.parse(cm?.data?.['skrouterd.json'] ?? '[]') as typeof config;
    } catch {
      config = [];
    }
    const str = (v: unknown) => (v === undefined ? undefined : String(v));
    this.services = {
      listeners: config.filter(([k]) => k === 'tcpListener').map(([, e]) => ({ name: str(e.name), address: str(e.address), destPort: str(e.port), protocol: 'tcp' })),
      connectors: config.filter(([k]) => k === 'tcpConnector').map(([, e]) => ({ address: str(e.address), destHost: str(e.host), destPort: str(e.port), process: str(e.processId) })),
    };
  }

  private async playRouter(): Promise<void> {
    const site = this.site;
    if (!site || this.opts.running === false) return;
    await this.readServices();
    const links = (await this.client.list(LINKS, this.ns)).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const peers = new Map<string, Hello>();
    for (const [id, { hello, at }] of this.inbound) {
      if (Date.now() - at > INBOUND_PEER_MS) this.inbound.delete(id);
      else peers.set(id, hello);
    }
    const records: RouterStatusInfo['links'] = [];
    for (const link of links) {
      const result = await this.linkState(link, Boolean(site.spec.edge));
      if (result === undefined) continue; // not dialled yet: the router has no link to report
      // A real router connects a link only after the controller configured it, so the controller
      // always knows the Link before the network status names it. This one connects at once, and
      // a loaded controller can read the status before the Link and, as upstream marks Operational
      // only when the status changes, never mark it (interop: "no status yet" after 30 s). A link
      // still unmarked 5 s after it was reported is left out for a pass, so the status changes again.
      const reported = this.reportedAt.get(link.metadata.uid!) ?? Date.now();
      this.reportedAt.set(link.metadata.uid!, reported);
      if (!link.status?.conditions?.some((c) => c.type === 'Operational') && Date.now() - reported > 5000) {
        this.reportedAt.set(link.metadata.uid!, Date.now());
        continue;
      }
      const role = site.spec.edge ? 'edge' : 'inter-router';
      if (result.up) {
        peers.set(result.peer.siteId, result.peer);
        records.push({ name: link.metadata.name, linkCost: link.spec.cost || 1, status: 'up', role, peer: accessPoint(result.peer.siteId, site.spec.edge ? 2 : 1) });
      } else records.push({ name: link.metadata.name, linkCost: link.spec.cost || 1, status: 'down', role });
    }
    // In the real collector's shape (see network-status.ts).
    const router = (siteName: string, mode: string) => ({ name: `0/${siteName}-skupper-router-stand-in`, mode, hostname: 'skupper-router-stand-in' });
    const access = (siteId: string, linkAccess: boolean) => (linkAccess ? [{ identity: accessPoint(siteId, 1) }, { identity: accessPoint(siteId, 2) }] : []);
    const hasAccess = Boolean(site.spec.linkAccess && site.spec.linkAccess !== 'none');
    const own: SiteStatusInfo = {
      site: { identity: site.metadata.uid!, name: site.metadata.name, namespace: this.ns, platform: 'kubernetes', siteVersion: '2.2.1' },
      routerStatus: [{ router: router(site.metadata.name, site.spec.edge ? 'edge' : 'interior'), links: records, routerAccess: access(site.metadata.uid!, hasAccess), listeners: this.services.listeners ?? [], connectors: this.services.connectors ?? [] }],
    };
    // A peer that answered a link accepts links.
    const remote = [...peers.values()].sort((a, b) => a.siteName.localeCompare(b.siteName)).map((p): SiteStatusInfo => ({
      site: { identity: p.siteId, name: p.siteName, namespace: p.namespace, platform: 'kubernetes', siteVersion: '2.2.1' },
      routerStatus: [{ router: router(p.siteName, 'interior'), links: [], routerAccess: access(p.siteId, true), listeners: p.listeners ?? [], connectors: p.connectors ?? [] }],
    }));
    const status: NetworkStatus = { addresses: null, siteStatus: [own, ...remote] };
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    const existing = await this.client.find(CONFIG_MAPS, NETWORK_STATUS, this.ns);
    if (existing?.data?.NetworkStatus !== text) {
      if (existing) await this.client.patch(CONFIG_MAPS, NETWORK_STATUS, { data: { NetworkStatus: text } }, this.ns);
      else await this.client.create(CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NETWORK_STATUS }, data: { NetworkStatus: text } }, this.ns);
    }
    this.lastStatus = text;
  }

  /** Dials the Link now and then (often while it is down), after operationalDelayMs. */
  private async linkState(link: Link, edge: boolean): Promise<DialResult | undefined> {
    const seenKey = `${link.metadata.uid}/${link.metadata.generation ?? 1}`;
    // A router reports a new link only once the controller gave it a connector: never in the pass
    // that first sees the Link. A Link deleted and made again under the same name between two
    // passes would otherwise leave the network status unchanged, and the real controller marks a
    // Link Operational only when the network status changes (interop: "link sites" stayed Pending).
    if (!this.seenLinks.has(link.metadata.uid!)) {
      this.seenLinks.add(link.metadata.uid!);
      return undefined;
    }
    if (!this.firstSeen.has(seenKey)) this.firstSeen.set(seenKey, Date.now());
    if (Date.now() - this.firstSeen.get(seenKey)! < (this.opts.operationalDelayMs ?? 0)) return undefined;
    const secretName = link.spec.tlsCredentials ?? '';
    const secret = secretName ? await this.client.find(SECRETS, secretName, this.ns) : undefined;
    const key = `${seenKey}/${secret?.metadata.resourceVersion ?? ''}`;
    const last = this.results.get(link.metadata.name);
    if (last && last.key === key && Date.now() - last.at < (last.result.up ? 2000 : 500)) return last.result;
    const cert = b64d(secret?.data?.['tls.crt'] ?? '');
    const keyPem = b64d(secret?.data?.['tls.key'] ?? '');
    const ca = b64d(secret?.data?.['ca.crt'] ?? '');
    const endpoint = link.spec.endpoints.find((e) => e.name === (edge ? 'edge' : 'inter-router'));
    let result: DialResult = { up: false };
    if (cert && keyPem && endpoint?.host && endpoint.port) result = await dial(endpoint.host, Number(endpoint.port), { cert, key: keyPem, ca }, this.hello()).catch(() => ({ up: false }) as const);
    this.results.set(link.metadata.name, { key, at: Date.now(), result });
    return result;
  }
}

/** One mutual-TLS handshake; up only when both sides accept and the peer introduces itself. */
function dial(host: string, port: number, creds: { cert: string; key: string; ca: string }, own: Hello): Promise<DialResult> {
  return new Promise((resolve) => {
    let settled = false;
    let data = '';
    const finish = (value: DialResult) => {
      if (settled) return;
      settled = true;
      // Close gently, so that our introduction written at connect reaches the peer.
      socket.end();
      setTimeout(() => socket.destroy(), 500).unref();
      resolve(value);
    };
    // The host is checked as the real router checks it (DNS SANs and CN only), not as Node does.
    const socket = tlsConnect({ host, port, cert: creds.cert, key: creds.key, ca: creds.ca || undefined, servername: /^[\d.]+$/.test(host) ? undefined : host, timeout: 3000, checkServerIdentity: routerPeerNameError });
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => socket.write(JSON.stringify(own) + '\n'));
    socket.on('data', (chunk: string) => {
      data += chunk;
      const line = data.split('\n')[0];
      if (!data.includes('\n') || !line) return;
      try {
        const hello = JSON.parse(line) as Hello;
        finish(hello.siteId ? { up: true, peer: hello } : { up: false });
      } catch {
        finish({ up: false });
      }
    });
    socket.on('timeout', () => finish({ up: false }));
    socket.on('error', () => finish({ up: false }));
    socket.on('end', () => finish({ up: false }));
  });
}

async function closeBalancer(balancer: Balancer): Promise<void> {
  await Promise.all(
    balancer.servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of balancer.sockets) socket.destroy();
        }),
    ),
  );
}
