// CONTROLLER STAND-IN — test and demo only. Plays the upstream Skupper v2 controller (2.2.1) for one
// namespace, doing only what it does, in its formats, as measured against the real one in interop
// mode (test/interop): it never plays a kubelet, a cloud or a router (see router-stand-in.ts).
//  - Certificates: every Certificate in the namespace gets its Secret (a CA when signing, else a
//    leaf signed by spec.ca with spec.hosts), regenerated when the hosts change.
//  - Site: Certificates skupper-site-ca, skupper-local-ca and skupper-local-server; a Deployment
//    per router group; with link access, RouterAccess skupper-router, a LoadBalancer Service per
//    group and Certificate skupper-site-server for the Service names and load-balancer addresses;
//    ConfigMap skupper-router (skrouterd.json) with a connector per configured Link and an
//    sslProfile per Secret they use; status with Configured / Running (from a Ready router Pod) / Resolved (endpoints appear
//    only once a Service has a load-balancer address) / Ready, defaultIssuer, controller, network.
//  - Links: configured into the router config, then Operational from the router's network status.
//    Like 2.2.1, a NEW Link is configured only when the Link object changes (its status written
//    from the network status counts) or at the 30 s resync.
//  - AccessGrants: grants are disabled here, so each gets status.message "AccessGrants are not
//    enabled" (our own grant server serves them).
//  - Listeners and Connectors: see services.ts (Services, router entries, Configured/Matched/Ready).
//  - AccessTokens: redeemed as the controller does: POST the code to the URL with headers name and
//    subject, create the Secret and Links owned by the Site, mark the token Redeemed.
// Deviation: skupper-site-server is owned by the RouterAccess here (upstream: a SecuredAccess, a
// kind this project ships no CRD for).
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { parseAllDocuments } from 'yaml';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { KubeClient } from '../../src/kube/client.js';
import {
  ACCESS_GRANTS, ACCESS_TOKENS, CERTIFICATES, LINKS, ROUTER_ACCESSES, SECRETS, SITES, SKUPPER_API_VERSION,
  type AccessToken, type Certificate, type Endpoint, type Link, type OwnerReference, type Secret, type Site, type SiteStatus,
} from '../../src/kube/resources.js';
import { apply, b64, b64d, CONFIG_MAPS, DEPLOYMENTS, NETWORK_STATUS, PODS, PollingLoop, ROUTER_COMPONENT, ROUTER_CONFIG, SERVICES, type Service } from './kinds.js';
import { siteRecords, type NetworkStatus, type SiteRecord } from './network-status.js';
import { ProfilesWatcher } from './profiles.js';
import { error, pending, ready, setCondition, setReady, update, type ConditionState } from './status.js';
import { ServiceBindings, type RouterEntry } from './services.js';

export interface ControllerStandInOptions {
  client: KubeClient;
  namespace: string;
  /** How often the informers resync: when a new Link is configured at the latest (2.2.1: 30 s). */
  resyncMs?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

/** What status.controller says: the stand-in names itself, beside the version it plays. */
export const STAND_IN_CONTROLLER = { name: 'skupper-controller-stand-in', namespace: 'skupper-system', version: '2.2.1' };
const SUPPORTED_LINK_ACCESS = ['default', 'loadbalancer', 'local'];
const ROLES = [
  { name: 'inter-router', port: 55671 },
  { name: 'edge', port: 45671 },
];
const LINK_REQUIRED = ['Configured', 'Operational'];

export class ControllerStandIn extends PollingLoop {
  private readonly client: KubeClient;
  private readonly ns: string;
  private readonly resyncMs: number;
  private lastResync = Date.now();
  /** Links the controller knows (uid -> resourceVersion when it last looked), and those configured. */
  private readonly knownLinks = new Map<string, string>();
  private readonly configured = new Set<string>();
  /** AccessTokens tried (uid -> resourceVersion), so a failed one is retried on change or resync. */
  private readonly triedTokens = new Map<string, string>();
  /** The router Pods (name@resourceVersion) at the last pass; '' when there were none. */
  private podsSeen = '';
  private podsPending = '';
  private readonly services: ServiceBindings;
  private readonly profiles: ProfilesWatcher;

  constructor(opts: ControllerStandInOptions) {
    super(`controller stand-in ${opts.namespace}`, opts.intervalMs ?? 200, opts.log);
    this.client = opts.client;
    this.ns = opts.namespace;
    this.profiles = new ProfilesWatcher(opts.client, opts.namespace);
    this.resyncMs = opts.resyncMs ?? 30_000;
    this.services = new ServiceBindings(opts.client, opts.namespace);
  }

  async reconcile(): Promise<void> {
    const resync = Date.now() - this.lastResync >= this.resyncMs;
    if (resync) this.lastResync = Date.now();
    await this.reconcileCertificates();
    const sites = (await this.client.list(SITES, this.ns)).items.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    const [active, ...others] = sites;
    for (const site of others) await this.markInactive(site, active!);
    const network = await this.networkRecords(active);
    const links = (await this.client.list(LINKS, this.ns)).items;
    const tcp = await this.services.reconcile(active ? { owner: ownerRef(active), siteId: active.metadata.uid! } : undefined, network);
    if (active) await this.reconcileSite(active, links, network, resync, tcp);
    else for (const link of links) await this.writeLinkStatus(link, (s, g) => update(s, 'Configured', error('No active site in namespace'), LINK_REQUIRED, g));
    await this.markGrantsDisabled();
    if (active) await this.redeemTokens(active, resync);
  }

  // --- Certificates -------------------------------------------------------------------------

  private async reconcileCertificates(): Promise<void> {
    const certs = (await this.client.list(CERTIFICATES, this.ns)).items.sort((a, b) => Number(Boolean(b.spec.signing)) - Number(Boolean(a.spec.signing)));
    for (const cert of certs) {
      const hosts = (cert.spec.hosts ?? []).join(',');
      const secret = await this.client.find(SECRETS, cert.metadata.name, this.ns);
      // As upstream: the controller's own Secrets carry its annotation or the Certificate as owner.
      const controlled = secret?.metadata.annotations?.['internal.skupper.io/controlled'] === 'true' || Boolean(secret?.metadata.ownerReferences?.some((r) => r.kind === 'Certificate'));
      let state = ready();
      if (!secret || (controlled && !secretIsCorrect(cert, secret))) {
        const data = await this.generate(cert);
        if (!data) state = error(`CA "${this.ns}/${cert.spec.ca}" not found`);
        else if (!secret) await this.client.create(SECRETS, certificateSecret(cert, data), this.ns);
        else await this.client.patch(SECRETS, cert.metadata.name, { data, metadata: { annotations: { 'internal.skupper.io/hosts': hosts } } }, this.ns);
      } else if (!controlled && !secretIsCorrect(cert, secret)) {
        state = error('secret exists but is not controlled by skupper');
      }
      const status = structuredClone(cert.status ?? {});
      if (setCondition(status, 'Ready', state, cert.metadata.generation ?? 1)) await this.client.patch(CERTIFICATES, cert.metadata.name, { status }, this.ns, 'status');
    }
  }

  private async generate(cert: Certificate): Promise<Record<string, string> | undefined> {
    if (cert.spec.signing) {
      const ca = await createCA(cert.spec.subject, { keyType: 'rsa' });
      return { 'tls.crt': b64(ca.cert), 'tls.key': b64(ca.key), 'ca.crt': b64(ca.cert) };
    }
    const caSecret = await this.client.find(SECRETS, cert.spec.ca, this.ns);
    if (!caSecret?.data?.['tls.crt'] || !caSecret.data['tls.key']) return undefined;
    const ca = { cert: b64d(caSecret.data['tls.crt']), key: b64d(caSecret.data['tls.key']) };
    // Upstream sets both usages whatever client/server say; ECDSA leaves keep the tests quick.
    const leaf = await issueCertificate(ca, { commonName: cert.spec.subject, hosts: cert.spec.hosts ?? [], keyType: 'ecdsa' });
    return { 'tls.crt': b64(leaf.cert), 'tls.key': b64(leaf.key), 'ca.crt': b64(ca.cert) };
  }

  private async ensureCertificate(name: string, spec: Certificate['spec'], owner: OwnerReference): Promise<void> {
    const existing = await this.client.find(CERTIFICATES, name, this.ns);
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return;
    if (existing) await this.client.patch(CERTIFICATES, name, { spec }, this.ns);
    else await this.client.create(CERTIFICATES, { apiVersion: SKUPPER_API_VERSION, kind: 'Certificate', metadata: { name, ownerReferences: [owner] }, spec }, this.ns);
  }

  // --- Site -----------------------------------------------------------------------------------

  private async markInactive(site: Site, active: Site): Promise<void> {
    await this.writeSiteStatus(site, (status, g) => update(status, 'Configured', error(`An active site already exists in the namespace (${active.metadata.name})`), requiredConditions(site), g));
  }

  private async reconcileSite(site: Site, links: Link[], network: SiteRecord[], resync: boolean, tcp: RouterEntry[]): Promise<void> {
    const name = site.metadata.name;
    const owner = ownerRef(site);
    const linkAccess = site.spec.linkAccess && site.spec.linkAccess !== 'none' ? site.spec.linkAccess : undefined;
    if (linkAccess && !SUPPORTED_LINK_ACCESS.includes(linkAccess)) {
      await this.writeSiteStatus(site, (status, g) => update(status, 'Configured', error(`Unsupported value for LinkAccess: ${linkAccess}`), requiredConditions(site), g));
      return;
    }
    await this.ensureCertificate('skupper-site-ca', { ca: '', subject: `${name} site CA`, signing: true }, owner);
    await this.ensureCertificate('skupper-local-ca', { ca: '', subject: `${name} local CA`, signing: true }, owner);
    await this.ensureCertificate('skupper-local-server', { ca: 'skupper-local-ca', subject: 'skupper-router-local', hosts: ['skupper-router-local', `skupper-router-local.${this.ns}`, `skupper-router-local.${this.ns}.svc.cluster.local`], server: true }, owner);
    const groups = site.spec.ha ? ['skupper-router', 'skupper-router-2'] : ['skupper-router'];
    for (const group of groups) await this.ensureDeployment(group, site);
    let endpoints: Endpoint[] = [];
    if (linkAccess) endpoints = await this.ensureRouterAccess(site, linkAccess, groups);

    // Links: known at once, configured as 2.2.1 does (see the header).
    for (const link of links) {
      const uid = link.metadata.uid!;
      const seen = this.knownLinks.get(uid);
      if (seen === undefined) this.knownLinks.set(uid, link.metadata.resourceVersion!);
      else if (!this.configured.has(uid) && (seen !== link.metadata.resourceVersion || resync)) this.configured.add(uid);
    }
    const live = new Set(links.map((l) => l.metadata.uid!));
    for (const uid of [...this.knownLinks.keys()]) if (!live.has(uid)) (this.knownLinks.delete(uid), this.configured.delete(uid));
    const configuredLinks = links.filter((l) => this.configured.has(l.metadata.uid!)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    await this.writeRouterConfig(site, configuredLinks, Boolean(linkAccess), tcp);
    for (const link of configuredLinks) await this.writeLinkStatus(link, (s, g) => update(s, 'Configured', ready(), LINK_REQUIRED, g));
    // As upstream: a Link's Operational is written when the network status changes (a ConfigMap
    // event), not when the Link changes, so a Link made again under a name the status already
    // shows up waits for the router's next change.
    const fresh = this.networkText !== this.processedNetwork;
    const own = fresh ? network.find((r) => r.id === site.metadata.uid) : undefined;
    for (const record of own?.links ?? []) {
      const link = links.find((l) => l.metadata.name === record.name);
      if (!link) continue;
      await this.writeLinkStatus(link, (s, g) => {
        let changed = false;
        if (s.remoteSiteId !== record.remoteSiteId) (s.remoteSiteId = record.remoteSiteId), (changed = true);
        if (s.remoteSiteName !== record.remoteSiteName) (s.remoteSiteName = record.remoteSiteName), (changed = true);
        return update(s, 'Operational', record.operational ? ready() : pending('Not operational'), LINK_REQUIRED, g) || changed;
      });
    }
    this.processedNetwork = this.networkText;

    const running = await this.routerPodEvent();
    await this.writeSiteStatus(site, (status, g) => {
      let changed = false;
      const set = <K extends keyof SiteStatus>(key: K, value: SiteStatus[K]) => {
        if (JSON.stringify(status[key]) === JSON.stringify(value)) return;
        if (value === undefined) delete status[key];
        else status[key] = value;
        changed = true;
      };
      set('controller', { ...STAND_IN_CONTROLLER });
      set('defaultIssuer', site.spec.defaultIssuer || 'skupper-site-ca');
      const required = requiredConditions(site);
      if (update(status, 'Configured', ready(), required, g)) changed = true;
      if (linkAccess) {
        set('endpoints', endpoints.length ? endpoints : undefined);
        if (update(status, 'Resolved', endpoints.length ? ready() : pending('Pending'), required, g)) changed = true;
      } else set('endpoints', undefined);
      // Running changes only on router Pod events, so it keeps the generation it was set at.
      if (running && update(status, 'Running', running, required, g)) changed = true;
      if (network.length) {
        set('network', network);
        set('sitesInNetwork', network.length);
      }
      return setReady(status, required, g) || changed;
    });
    if (running) this.podsSeen = this.podsPending; // the event is handled once the status is written
  }

  private async ensureDeployment(group: string, site: Site): Promise<void> {
    if (await this.client.find(DEPLOYMENTS, group, this.ns)) return;
    const labels = { 'app.kubernetes.io/name': 'skupper-router', 'app.kubernetes.io/part-of': 'skupper', application: 'skupper-router', [ROUTER_COMPONENT]: 'router', 'skupper.io/type': 'site' };
    const images = [{ name: 'router', image: 'quay.io/skupper/skupper-router:3.5.1' }, { name: 'kube-adaptor', image: 'quay.io/skupper/kube-adaptor:2.2.1' }];
    await this.client.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: group, labels, ownerReferences: [ownerRef(site)] },
      spec: { replicas: 1, selector: { matchLabels: { [ROUTER_COMPONENT]: 'router', 'skupper.io/group': group } }, template: { metadata: { labels: { ...labels, 'skupper.io/group': group } }, spec: { containers: images } } },
    }, this.ns);
  }

  /** RouterAccess, Services and the server Certificate; returns the endpoints resolved so far. */
  private async ensureRouterAccess(site: Site, linkAccess: string, groups: string[]): Promise<Endpoint[]> {
    const spec = { ...(linkAccess === 'default' ? {} : { accessType: linkAccess }), generateTlsCredentials: true, issuer: 'skupper-site-ca', roles: ROLES, tlsCredentials: 'skupper-site-server' };
    const ra = await apply(this.client, ROUTER_ACCESSES, { apiVersion: SKUPPER_API_VERSION, kind: 'RouterAccess', metadata: { name: 'skupper-router', ownerReferences: [ownerRef(site)] }, spec }, this.ns);
    const endpoints: Endpoint[] = [];
    const addresses: string[] = [];
    for (const group of groups) {
      let svc = await this.client.find(SERVICES, group, this.ns);
      if (!svc) {
        svc = await this.client.create(SERVICES, {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: group, labels: { 'internal.skupper.io/secured-access': 'true' } },
          spec: { type: linkAccess === 'local' ? 'ClusterIP' : 'LoadBalancer', selector: { [ROUTER_COMPONENT]: 'router', 'skupper.io/group': group }, ports: ROLES.map((r) => ({ name: r.name, port: r.port, targetPort: r.port, protocol: 'TCP' })) },
        } as Service, this.ns);
      }
      const ingress = svc.status?.loadBalancer?.ingress?.[0];
      const host = linkAccess === 'local' ? `${group}.${this.ns}` : ingress?.ip || ingress?.hostname;
      if (!host) continue;
      if (linkAccess !== 'local') addresses.push(host);
      for (const port of svc.spec.ports) endpoints.push({ group, host, name: port.name, port: String(port.port) });
    }
    const hosts = [...groups, ...groups.map((g) => `${g}.${this.ns}`), ...addresses].sort();
    await this.ensureCertificate('skupper-site-server', { ca: 'skupper-site-ca', subject: 'skupper-router', hosts, server: true }, ownerRef(ra));
    return endpoints;
  }

  /** The Running state when the router Pods changed since the last pass (the controller's pod events), else undefined. */
  private async routerPodEvent(): Promise<ConditionState | undefined> {
    const pods = (await this.client.list(PODS, this.ns, { labelSelector: `${ROUTER_COMPONENT}=router,skupper.io/type=site` })).items;
    const key = pods.map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`).sort().join(',');
    if (key === this.podsSeen) return undefined;
    this.podsPending = key;
    let state = pending('No router pod is ready');
    for (const pod of pods) {
      if (pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return ready();
      const failed = pod.status?.conditions?.find((c) => c.status === 'False') as { message?: string } | undefined;
      state = pending(failed ? (failed.message ?? '') : `Pod ${pod.metadata.name} not ready`);
    }
    return state;
  }

  private async writeRouterConfig(site: Site, links: Link[], linkAccess: boolean, tcp: RouterEntry[]): Promise<void> {
    const edge = Boolean(site.spec.edge);
    const profile = (name: string) => ['sslProfile', { name, certFile: `/etc/skupper-router-certs/${name}/tls.crt`, privateKeyFile: `/etc/skupper-router-certs/${name}/tls.key`, caCertFile: `/etc/skupper-router-certs/${name}/ca.crt` }];
    // The RouterAccess roles are listeners named <RouterAccess>-<role>, with the server Secret as profile.
    const access = linkAccess ? ROLES.map((r) => ['listener', { name: `skupper-router-${r.name}`, role: r.name, port: r.port, sslProfile: 'skupper-site-server', saslMechanisms: 'EXTERNAL', authenticatePeer: true }]) : [];
    // One sslProfile per Secret (named after it), shared by the Links that use it; sorted by name.
    const profiles = [...new Set(['skupper-local-server', ...(linkAccess ? ['skupper-site-server'] : []), ...links.map((l) => `${l.spec.tlsCredentials}-profile`)])].sort();
    const config = [
      ['router', { id: `${site.metadata.name}-\${HOSTNAME}`, mode: edge ? 'edge' : 'interior', helloMaxAgeSeconds: '3', metadata: JSON.stringify({ id: site.metadata.uid, version: STAND_IN_CONTROLLER.version, platform: 'kubernetes' }) }],
      ...profiles.map(profile),
      ...access,
      ...links.flatMap((link) => {
        const role = edge ? 'edge' : 'inter-router';
        const endpoint = link.spec.endpoints.find((e) => e.name === role);
        if (!endpoint) return [];
        return [['connector', { name: link.metadata.name, role, host: endpoint.host, port: endpoint.port, cost: link.spec.cost || 1, sslProfile: `${link.spec.tlsCredentials}-profile` }]];
      }),
      ...tcp,
      ['listener', { name: '@9090', role: 'normal', port: 9090, http: true, httpRootDir: 'disabled', healthz: true, metrics: true }],
      ['listener', { name: 'amqp', host: 'localhost', port: 5672 }],
      ['listener', { name: 'amqps', port: 5671, sslProfile: 'skupper-local-server', saslMechanisms: 'EXTERNAL', authenticatePeer: true }],
      ['address', { prefix: 'mc', distribution: 'multicast' }],
    ];
    await this.profiles.sync(profiles);
    const json = JSON.stringify(config, null, 4);
    const existing = await this.client.find(CONFIG_MAPS, ROUTER_CONFIG, this.ns);
    if (existing?.data?.['skrouterd.json'] === json) return;
    const cm = { apiVersion: 'v1' as const, kind: 'ConfigMap' as const, metadata: { name: ROUTER_CONFIG, labels: { 'internal.skupper.io/router-config': '' }, ownerReferences: [ownerRef(site)] }, data: { 'skrouterd.json': json } };
    if (existing) await this.client.patch(CONFIG_MAPS, ROUTER_CONFIG, { data: cm.data }, this.ns);
    else await this.client.create(CONFIG_MAPS, cm, this.ns);
  }

  /** The network status last read, and the one whose link records were last written to the Links. */
  private networkText: string | undefined;
  private processedNetwork: string | undefined;

  private async networkRecords(site: Site | undefined): Promise<SiteRecord[]> {
    if (!site) return [];
    const cm = await this.client.find(CONFIG_MAPS, NETWORK_STATUS, this.ns);
    const text = cm?.data?.NetworkStatus;
    this.networkText = text;
    if (!text) return [];
    try {
      return siteRecords(JSON.parse(text) as NetworkStatus);
    } catch {
      return []; // the controller logs and ignores a document it cannot read
    }
  }

  private async writeSiteStatus(site: Site, change: (status: SiteStatus, generation: number) => boolean): Promise<void> {
    const status = structuredClone(site.status ?? {});
    if (change(status, site.metadata.generation ?? 1)) await this.client.patch(SITES, site.metadata.name, { status }, this.ns, 'status');
  }

  private async writeLinkStatus(link: Link, change: (status: NonNullable<Link['status']>, generation: number) => boolean): Promise<void> {
    const status = structuredClone(link.status ?? {});
    if (!change(status, link.metadata.generation ?? 1)) return;
    const updated = await this.client.patch(LINKS, link.metadata.name, { status }, this.ns, 'status');
    link.status = updated.status;
    link.metadata.resourceVersion = updated.metadata.resourceVersion;
    // Our own status write is an update event for the Link watcher, as in the controller.
    if (this.knownLinks.get(link.metadata.uid!) !== undefined && this.configured.has(link.metadata.uid!)) this.knownLinks.set(link.metadata.uid!, updated.metadata.resourceVersion!);
  }

  // --- AccessGrants and AccessTokens ------------------------------------------------------------

  private async markGrantsDisabled(): Promise<void> {
    for (const grant of (await this.client.list(ACCESS_GRANTS, this.ns)).items) {
      if (grant.status?.message === 'AccessGrants are not enabled') continue;
      await this.client.patch(ACCESS_GRANTS, grant.metadata.name, { status: { message: 'AccessGrants are not enabled' } }, this.ns, 'status');
    }
  }

  /**
   * Starts redeeming each token not yet redeemed, without waiting: a grant server that is slow or
   * never answers (each POST gives up after 10 s, as the controller's does) must not hold up the
   * Sites, Links and Certificates of the namespace.
   */
  private async redeemTokens(site: Site, resync: boolean): Promise<void> {
    for (const token of (await this.client.list(ACCESS_TOKENS, this.ns)).items) {
      if (token.status?.conditions?.some((c) => c.type === 'Redeemed' && c.status === 'True')) continue;
      const uid = token.metadata.uid!;
      if (this.redeeming.has(uid) || (this.triedTokens.get(uid) === token.metadata.resourceVersion && !resync)) continue;
      const job = this.redeemOne(token, site)
        .catch((err: unknown) => this.log?.(`${this.label}: AccessToken ${token.metadata.name}: ${(err as Error).message}`))
        .finally(() => this.redeeming.delete(uid));
      this.redeeming.set(uid, job);
    }
  }

  /** Redemptions under way, by token uid. */
  private readonly redeeming = new Map<string, Promise<void>>();
  /** Ends the redemptions under way when the stand-in stops. */
  private readonly stopping = new AbortController();

  protected override async release(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.redeeming.values());
  }

  private async redeemOne(token: AccessToken, site: Site): Promise<void> {
    const uid = token.metadata.uid!;
    const failure = await this.redeem(token, site).then(() => undefined, (err: Error) => err.message);
    if (this.stopping.signal.aborted) return;
    const status = structuredClone(token.status ?? {});
    const state = failure ? error(failure) : ready();
    if (setCondition(status, 'Redeemed', state, token.metadata.generation ?? 1)) {
      if (failure) delete status.redeemed; // false is omitted, as upstream's omitempty does
      else status.redeemed = true;
      status.status = state.reason;
      status.message = state.message;
      const updated = await this.client.patch(ACCESS_TOKENS, token.metadata.name, { status }, this.ns, 'status');
      this.triedTokens.set(uid, updated.metadata.resourceVersion!);
    } else this.triedTokens.set(uid, token.metadata.resourceVersion!);
  }

  private async redeem(token: AccessToken, site: Site): Promise<void> {
    const body = await postToken(token, site, this.stopping.signal);
    let docs: unknown[];
    try {
      docs = parseAllDocuments(body).map((d) => d.toJS() as unknown).filter(Boolean);
    } catch {
      throw new Error('Controller could not decode response');
    }
    const [secret, ...links] = docs as [Secret, ...Link[]];
    if (!secret) throw new Error('Controller could not decode response');
    const owner = [ownerRef(site)];
    try {
      await this.client.create(SECRETS, { ...secret, metadata: { ...secret.metadata, ownerReferences: owner } }, this.ns);
    } catch (err) {
      throw new Error(`Controller could not create received secret: ${(err as Error).message}`);
    }
    for (const link of links) {
      const spec = token.spec.linkCost && token.spec.linkCost > 0 ? { ...link.spec, cost: token.spec.linkCost } : link.spec;
      try {
        await this.client.create(LINKS, { ...link, metadata: { ...link.metadata, ownerReferences: owner }, spec }, this.ns);
      } catch (err) {
        throw new Error(`Controller could not create received link: ${(err as Error).message}`);
      }
    }
  }
}

function requiredConditions(site: Site): string[] {
  const linkAccess = site.spec.linkAccess && site.spec.linkAccess !== 'none';
  return ['Configured', 'Running', ...(linkAccess ? ['Resolved'] : [])];
}

function ownerRef(object: { apiVersion: string; kind: string; metadata: { name: string; uid?: string } }): OwnerReference {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, uid: object.metadata.uid! };
}

function certificateSecret(cert: Certificate, data: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: cert.metadata.name,
      annotations: { 'internal.skupper.io/controlled': 'true', 'internal.skupper.io/certificate': 'true', 'internal.skupper.io/hosts': (cert.spec.hosts ?? []).join(',') },
      ownerReferences: [ownerRef(cert)],
    },
    type: 'kubernetes.io/tls',
    data,
  };
}

/** The controller's redemption client gives up after 10 s. */
export const REDEEM_TIMEOUT_MS = 10_000;

/** The redemption request, as the controller sends it (internal/kube/grants/redeem.go), given up after REDEEM_TIMEOUT_MS. */
function postToken(token: AccessToken, site: Site, stopping: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(token.spec.url);
    } catch (err) {
      reject(new Error(`Controller got error: ${(err as Error).message}`));
      return;
    }
    const signal = AbortSignal.any([AbortSignal.timeout(REDEEM_TIMEOUT_MS), stopping]);
    const req = request(url, { method: 'POST', ca: token.spec.ca || undefined, headers: { name: token.metadata.name, subject: site.metadata.uid! }, signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('error', () => {}); // the request's error event says what happened
      res.on('end', () => {
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`Controller got failed response: ${res.statusCode} (${statusText(res.statusCode ?? 0)}) ${text.trim()}`));
      });
    });
    req.on('error', (err) => {
      // Go's http.Client words its timeout so.
      const reason = signal.aborted && !stopping.aborted ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)' : err.message;
      reject(new Error(`Controller got error: Post "${token.spec.url}": ${reason}`));
    });
    req.end(token.spec.code);
  });
}

function statusText(code: number): string {
  return ({ 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' } as Record<number, string>)[code] ?? '';
}

/**
 * Upstream's test of a Secret against its Certificate: a readable certificate, not expired, the
 * subject as its common name, and exactly the Certificate's hosts as its names and addresses.
 */
function secretIsCorrect(cert: Certificate, secret: Secret): boolean {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(b64d(secret.data?.['tls.crt'] ?? ''));
  } catch {
    return false;
  }
  if (Date.now() > x509.validToDate.getTime()) return false;
  if (x509.subject.match(/^CN=(.*)$/m)?.[1] !== cert.spec.subject) return false;
  const names = new Set((x509.subjectAltName ?? '').split(', ').filter(Boolean).map((n) => n.replace(/^(DNS|IP Address):/, '')).filter(Boolean));
  const hosts = cert.spec.hosts ?? [];
  return names.size === new Set(hosts).size && hosts.every((h) => names.has(h));
}
