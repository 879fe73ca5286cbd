// The Kubernetes kinds the stand-ins read and write that the plugin itself never touches, and the
// loop both stand-ins run. Test and demo only.
import type { KubeClient } from '../../src/kube/client.js';
import type { ObjectMeta, ResourceType } from '../../src/kube/resources.js';

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { type?: string; selector?: Record<string, string>; ports: { name: string; port: number; targetPort?: number; protocol?: string }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: { containers: { name: string; image: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] } };
  };
}

const core = <T>(kind: string, plural: string): ResourceType<T> => ({ group: '', version: 'v1', kind, plural });
export const CONFIG_MAPS = core<ConfigMap>('ConfigMap', 'configmaps');
export const SERVICES = core<Service>('Service', 'services');
export const PODS = core<Pod>('Pod', 'pods');
export const DEPLOYMENTS: ResourceType<Deployment> = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments' };

/** Router labels, as the controller puts them on the router Pods of a site. */
export const ROUTER_COMPONENT = 'skupper.io/component';
export const NETWORK_STATUS = 'skupper-network-status';
export const ROUTER_CONFIG = 'skupper-router';

export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const b64d = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Creates the object, or merge-patches it when it exists. */
export async function apply<T>(client: KubeClient, type: ResourceType<T>, object: T & { metadata: ObjectMeta }, namespace: string): Promise<T> {
  const existing = await client.find(type, object.metadata.name, namespace);
  if (!existing) return client.create(type, object, namespace);
  return client.patch(type, object.metadata.name, object, namespace);
}

/**
 * Reconciles by polling the API server every few hundred milliseconds: simple and plenty fast for
 * tests. Errors are logged and the next pass tries again, as a controller's work queue does.
 */
export abstract class PollingLoop {
  private timer?: NodeJS.Timeout;
  private active = false;
  private busy?: Promise<void>;

  constructor(
    protected readonly label: string,
    private readonly intervalMs: number,
    protected readonly log?: (line: string) => void,
  ) {}

  start(): this {
    this.active = true;
    const tick = () => {
      if (!this.active) return;
      this.busy = this.reconcile()
        .catch((err: unknown) => this.log?.(`${this.label}: ${(err as Error).message}`))
        .finally(() => {
          if (this.active) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
    return this;
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.busy;
    await this.release();
  }

  /** One pass: make the world match the namespace. */
  abstract reconcile(): Promise<void>;

  /** Frees what the loop holds (sockets) after the last pass. */
  protected async release(): Promise<void> {}
}
