// The controller stand-in's part for Listeners and Connectors, as upstream 2.2.1 does it
// (internal/kube/site: bindings, CheckListener, CheckConnector, binding_status). Test and demo only.
//  - Listener: a Service named spec.host on spec.port, selecting the router Pods, labelled
//    internal.skupper.io/listener=<name>; Configured Error "Service <host> already exists in
//    namespace" when a Service of that name is not a listener's; stale listener Services removed.
//  - Connector: its pods are the Pods in the API server that match spec.selector, Running, not
//    being deleted, and Ready (or any, with includeNotReadyPods). Upstream sets a selector
//    connector's Configured only on a pod event: one whose selector never matched a Pod has no
//    Configured condition (Pending "Not Configured"), one whose last pod went away is Error
//    "No matches for selector". A host connector is Configured at once.
//  - Matched comes after Configured (upstream writes it from the binding status): for one pass a
//    new listener is Pending "Not Matched". Upstream never writes status.selectedPods
//    (the setter is not called in 2.2.1 nor on main), so neither does this.
//  - Router config: a tcpListener per Listener (on a router port allocated from 1024, the Service's targetPort) and a tcpConnector per selected pod (or to
//    spec.host), with address = routing key.
//  - Matched: hasMatchingConnector / hasMatchingListener from the routing keys in the network
//    status (every site the router reports, this one included), as binding_status.go does.
import type { KubeClient } from '../../src/kube/client.js';
import { CONNECTORS, LISTENERS, type Connector, type Listener, type OwnerReference } from '../../src/kube/resources.js';
import { PODS, SERVICES, ROUTER_COMPONENT, type Pod, type Service } from './kinds.js';
import type { SiteRecord } from './network-status.js';
import { error, ready, pending, setCondition, setReady, type ConditionState } from './status.js';

const REQUIRED = ['Configured', 'Matched'];
const LISTENER_LABEL = 'internal.skupper.io/listener';

export type RouterEntry = [string, Record<string, unknown>];

export interface PodDetails {
  name: string;
  ip: string;
}

/** Pods a selector picks, as the controller's pod watcher does. */
export function selectPods(pods: Pod[], selector: string, includeNotReady: boolean): PodDetails[] {
  const match = compileSelector(selector);
  return pods
    .filter((p) => match(p.metadata.labels ?? {}))
    .filter((p) => includeNotReady || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .map((p) => ({ name: p.metadata.name, ip: (p.status as { podIP?: string } | undefined)?.podIP ?? '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Kubernetes label selector matching (equality and set-based), enough for the tests. */
export function compileSelector(selector: string): (labels: Record<string, string>) => boolean {
  const parts = selector.split(/,(?![^(]*\))/).map((p) => p.trim()).filter(Boolean);
  const tests = parts.map((part): ((l: Record<string, string>) => boolean) => {
    let m = part.match(/^(\S+?)\s*(==|=|!=)\s*(\S*)$/);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    m = part.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      const key = m[1]!;
      return m[2] === 'in' ? (l) => key in l && values.includes(l[key]!) : (l) => !(key in l) || !values.includes(l[key]!);
    }
    if (part.startsWith('!')) return (l) => !(part.slice(1) in l);
    return (l) => part in l;
  });
  return (labels) => tests.every((t) => t(labels));
}

export class ServiceBindings {
  /** The matching pods (generation:name@rv,...) each connector (by uid) last saw. */
  private readonly podKeys = new Map<string, string>();
  /** Connectors whose pod watcher has fired: upstream sets "No matches for selector" only on a pod event. */
  private readonly fired = new Set<string>();
  private readonly looked = new Set<string>();
  /** The router port each listener (by name) got, as upstream's port mapping allocates them from 1024. */
  private readonly routerPorts = new Map<string, number>();
  /** Whether the last pass had listeners: their Services may need removing. */
  private hadListeners = false;

  constructor(private readonly client: KubeClient, private readonly ns: string) {}

  async reconcile(active: { owner: OwnerReference; siteId: string } | undefined, network: SiteRecord[]): Promise<RouterEntry[]> {
    const listeners = (await this.client.list(LISTENERS, this.ns)).items.sort(byName);
    const connectors = (await this.client.list(CONNECTORS, this.ns)).items.sort(byName);
    if (!active) {
      for (const l of listeners) await this.writeStatus(LISTENERS, l, (s, g) => setCondition(s, 'Configured', error('No active site in namespace'), g) && (setReady(s, REQUIRED, g), true));
      for (const c of connectors) await this.writeStatus(CONNECTORS, c, (s, g) => setCondition(s, 'Configured', error('No active site in namespace'), g) && (setReady(s, REQUIRED, g), true));
      return [];
    }
    // Nothing to do (the usual case in link tests): spare the API server the Service list.
    if (listeners.length === 0 && connectors.length === 0 && !this.hadListeners) return [];
    this.hadListeners = listeners.length > 0;
    const entries: RouterEntry[] = [];
    const { listenerKeys, connectorKeys } = routingKeys(network);

    // Listeners: their Services, then status.
    const services = (await this.client.list(SERVICES, this.ns)).items;
    const wanted = new Map<string, Listener>();
    for (const listener of listeners) {
      let configured: ConditionState = ready();
      const existing = services.find((s) => s.metadata.name === listener.spec.host);
      const first = wanted.get(listener.spec.host);
      if (existing && existing.metadata.labels?.[LISTENER_LABEL] === undefined) configured = error(`Service ${listener.spec.host} already exists in namespace`);
      else if (first && first.spec.port === listener.spec.port) configured = error(`Listener ${first.metadata.name} with host ${listener.spec.host} and port ${listener.spec.port} already exists in namespace`);
      else {
        // Deviation: listeners sharing a host on other ports share the Service of the first one, with its port only.
        if (!first) {
          wanted.set(listener.spec.host, listener);
          await this.ensureService(listener, existing, active.owner);
        }
        entries.push(['tcpListener', { name: listener.metadata.name, port: String(this.routerPort(listener.metadata.name)), address: listener.spec.routingKey, siteId: active.siteId, ...(listener.spec.tlsCredentials ? { sslProfile: listener.spec.tlsCredentials } : {}) }]);
      }
      const matched = connectorKeys.has(listener.spec.routingKey);
      const firstLook = this.firstLook(listener.metadata.uid!);
      await this.writeStatus(LISTENERS, listener, (s, g) => {
        let changed = setCondition(s, 'Configured', configured, g);
        if (firstLook) return changed && (setReady(s, REQUIRED, g), true);
        if (s.hasMatchingConnector !== (matched || undefined)) {
          if (matched) s.hasMatchingConnector = true;
          else delete s.hasMatchingConnector; // false is omitted (omitempty)
          changed = true;
        }
        changed = setCondition(s, 'Matched', matched ? ready() : pending('No matching connectors'), g) || changed;
        return changed && (setReady(s, REQUIRED, g), true);
      });
    }
    for (const svc of services) {
      const name = svc.metadata.labels?.[LISTENER_LABEL];
      if (name !== undefined && wanted.get(svc.metadata.name) === undefined) await this.client.delete(SERVICES, svc.metadata.name, this.ns).catch(() => undefined);
    }

    // Connectors: their pods, router entries, status.
    const pods = connectors.some((c) => c.spec.selector) ? (await this.client.list(PODS, this.ns)).items : [];
    for (const connector of connectors) {
      // A selector connector is configured only by a pod event (none yet: no Configured at all).
      let configured: ConditionState | undefined = ready();
      if (connector.spec.selector) {
        const selected = selectPods(pods, connector.spec.selector, Boolean(connector.spec.includeNotReadyPods));
        const uid = connector.metadata.uid!;
        const matching = pods.filter((p) => compileSelector(connector.spec.selector!)(p.metadata.labels ?? {}));
        const key = `${connector.metadata.generation}:${matching.map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`).sort().join(',')}`;
        const prev = this.podKeys.get(uid);
        // A new generation starts a new pod watcher, whose first list fires only for existing pods.
        if (prev === undefined || !prev.startsWith(`${connector.metadata.generation}:`)) {
          this.fired.delete(uid);
          if (matching.length > 0) this.fired.add(uid);
        } else if (prev !== key) this.fired.add(uid);
        this.podKeys.set(uid, key);
        if (!this.fired.has(uid)) configured = undefined;
        else if (selected.length === 0) configured = error('No matches for selector');
        for (const pod of selected) entries.push(['tcpConnector', { name: `${connector.metadata.name}@${pod.ip}`, host: pod.ip, port: String(connector.spec.port), address: connector.spec.routingKey, siteId: active.siteId, processId: pod.name }]);
      } else if (connector.spec.host) {
        entries.push(['tcpConnector', { name: connector.metadata.name, host: connector.spec.host, port: String(connector.spec.port), address: connector.spec.routingKey, siteId: active.siteId }]);
      }
      const matched = listenerKeys.has(connector.spec.routingKey);
      const firstLook = this.firstLook(connector.metadata.uid!);
      await this.writeStatus(CONNECTORS, connector, (s, g) => {
        let changed = configured ? setCondition(s, 'Configured', configured, g) : false;
        if (firstLook) return changed && (setReady(s, REQUIRED, g), true);
        if (s.hasMatchingListener !== (matched || undefined)) {
          if (matched) s.hasMatchingListener = true;
          else delete s.hasMatchingListener;
          changed = true;
        }
        changed = setCondition(s, 'Matched', matched ? ready() : pending('No matching listeners'), g) || changed;
        return changed && (setReady(s, REQUIRED, g), true);
      });
    }
    const live = new Set(connectors.map((c) => c.metadata.uid!));
    for (const uid of [...this.podKeys.keys()]) if (!live.has(uid)) (this.podKeys.delete(uid), this.fired.delete(uid));
    return entries;
  }

  /** True the first time an object is seen: upstream writes Matched later, from the binding status. */
  private firstLook(uid: string): boolean {
    if (this.looked.has(uid)) return false;
    this.looked.add(uid);
    return true;
  }

  private routerPort(listener: string): number {
    if (!this.routerPorts.has(listener)) this.routerPorts.set(listener, 1024 + this.routerPorts.size);
    return this.routerPorts.get(listener)!;
  }

  private async ensureService(listener: Listener, existing: Service | undefined, owner: OwnerReference): Promise<void> {
    // Clients reach the Service's port; the router listens on the port it was given.
    const spec = { selector: { application: 'skupper-router', [ROUTER_COMPONENT]: 'router' }, ports: [{ name: listener.metadata.name, port: listener.spec.port, targetPort: this.routerPort(listener.metadata.name), protocol: 'TCP' }] };
    if (!existing) {
      await this.client.create(SERVICES, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: listener.spec.host, labels: { [LISTENER_LABEL]: listener.metadata.name }, annotations: { 'internal.skupper.io/controlled': 'true' }, ownerReferences: [owner] },
        spec,
      } as Service, this.ns);
      return;
    }
    const port = existing.spec.ports[0];
    if (port?.port === listener.spec.port && port.targetPort === this.routerPort(listener.metadata.name) && port.name === listener.metadata.name && existing.metadata.labels?.[LISTENER_LABEL] === listener.metadata.name) return;
    await this.client.patch(SERVICES, existing.metadata.name, { metadata: { labels: { [LISTENER_LABEL]: listener.metadata.name } }, spec: { ports: spec.ports } }, this.ns);
  }

  private async writeStatus<T extends Listener | Connector>(type: typeof LISTENERS | typeof CONNECTORS, object: T, change: (status: NonNullable<T['status']>, generation: number) => boolean): Promise<void> {
    const status = structuredClone(object.status ?? {}) as NonNullable<T['status']>;
    if (!change(status, object.metadata.generation ?? 1)) return;
    // A field left out here (false, omitted as upstream's omitempty does) must go there too.
    const patch: Record<string, unknown> = { ...status };
    for (const key of type === LISTENERS ? ['hasMatchingConnector'] : ['hasMatchingListener']) if (patch[key] === undefined) patch[key] = null;
    await this.client.patch(type as typeof LISTENERS, object.metadata.name, { status: patch }, this.ns, 'status');
  }
}

function byName(a: { metadata: { name: string } }, b: { metadata: { name: string } }): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The routing keys that have listeners, and those that have connectors, anywhere in the network status. */
function routingKeys(network: SiteRecord[]): { listenerKeys: Set<string>; connectorKeys: Set<string> } {
  const listenerKeys = new Set<string>();
  const connectorKeys = new Set<string>();
  for (const site of network) {
    for (const svc of site.services ?? []) {
      if (svc.listeners?.length) listenerKeys.add(svc.routingKey);
      if (svc.connectors?.length) connectorKeys.add(svc.routingKey);
    }
  }
  return { listenerKeys, connectorKeys };
}
