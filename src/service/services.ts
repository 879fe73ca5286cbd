// Listeners and connectors: create, change, list, wait for and delete them. Everything that can be
// refused is checked before anything is made. Returns data and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { CONNECTORS, LISTENERS, SECRETS, SERVICES, type Connector, type Listener, type ResourceType } from '../kube/resources.js';
import { streamObjects, waitFor, waitUntilGone, type GoneOptions } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { conditionsTrue, currentError, isReady } from '../status/readiness.js';
import { byNamespaceAndName } from '../site/sites.js';
import { compareText } from '../compare.js';
import { connectorManifest, listenerManifest, type ConnectorSettings, type ListenerSettings } from './manifests.js';
import { serviceState, type ServiceObject } from './state.js';
import type { WorkloadKind } from './validate.js';
import { workloadSelector } from './workload.js';
import { selectedPods } from './pods.js';

export type ServiceKind = 'listener' | 'connector';
type DryRun = { dryRun?: 'client' | 'server' };

const TYPES: { listener: ResourceType<Listener>; connector: ResourceType<Connector> } = { listener: LISTENERS, connector: CONNECTORS };

export function typeOf(kind: ServiceKind): ResourceType<ServiceObject> {
  return TYPES[kind] as ResourceType<ServiceObject>;
}

async function requireFreeName(client: KubeClient, kind: ServiceKind, name: string): Promise<void> {
  if (await client.find(typeOf(kind), name)) {
    throw new SkupperError('CONFLICT', `there is already a ${kind} "${name}" in namespace "${client.namespace}": change it with "kubectl skupper ${kind} update ${name}${client.flagsIn()}", or pick another name`);
  }
}

async function requireSecret(client: KubeClient, name: string): Promise<void> {
  if (!(await client.find(SECRETS, name))) {
    throw new SkupperError('NOT_FOUND', `there is no Secret "${name}" in namespace "${client.namespace}" for --tls-credentials: create it first (e.g. "kubectl create secret tls ${name} --cert=... --key=...${client.flagsIn()}")`);
  }
}

/**
 * The controller makes a Service named by the listener's host, and refuses (Configured Error) when
 * a Service of that name exists that is not a listener's: say so before anything is made.
 */
async function requireFreeHost(client: KubeClient, host: string, listener: string): Promise<void> {
  const service = await client.find(SERVICES, host);
  const owner = service?.metadata.labels?.['internal.skupper.io/listener'];
  if (service && owner !== listener) {
    const by = owner ? `listener "${owner}"` : 'something other than a listener';
    throw new SkupperError('CONFLICT', `there is already a Service "${host}" in namespace "${client.namespace}", made by ${by}: choose another --host`);
  }
}

export async function createListener(client: KubeClient, settings: ListenerSettings, opts: DryRun = {}): Promise<Listener> {
  await requireFreeName(client, 'listener', settings.name);
  await requireFreeHost(client, settings.host ?? settings.name, settings.name);
  if (settings.tlsCredentials) await requireSecret(client, settings.tlsCredentials);
  const listener = listenerManifest({ ...settings, namespace: client.namespace });
  if (opts.dryRun === 'client') return listener;
  return client.create(LISTENERS, listener, client.namespace, { dryRun: opts.dryRun === 'server' });
}

export interface ConnectorCreate extends Omit<ConnectorSettings, 'selector'> {
  selector?: string;
  workload?: { kind: WorkloadKind; name: string };
}

/** The selector a connector gets from --selector or --workload (copied from the workload). */
async function targetOf(client: KubeClient, s: { host?: string; selector?: string; workload?: { kind: WorkloadKind; name: string } }): Promise<{ host?: string; selector?: string }> {
  if (s.workload) return { selector: await workloadSelector(client, s.workload) };
  return s.host !== undefined ? { host: s.host } : { selector: s.selector };
}

export async function createConnector(client: KubeClient, settings: ConnectorCreate, opts: DryRun = {}): Promise<Connector> {
  await requireFreeName(client, 'connector', settings.name);
  const target = await targetOf(client, settings);
  if (settings.tlsCredentials) await requireSecret(client, settings.tlsCredentials);
  const connector = connectorManifest({ ...settings, ...target, namespace: client.namespace });
  if (opts.dryRun === 'client') return connector;
  return client.create(CONNECTORS, connector, client.namespace, { dryRun: opts.dryRun === 'server' });
}

/** One object, or those of the namespace ('' for every namespace) matching the selector, sorted. */
export async function listServices(client: KubeClient, kind: ServiceKind, name?: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<ServiceObject[]> {
  if (name) return [await getService(client, kind, name)];
  const list = await client.list(typeOf(kind), opts.namespace ?? client.namespace, { labelSelector: opts.labelSelector });
  return list.items.sort(byNamespaceAndName);
}

export async function getService(client: KubeClient, kind: ServiceKind, name: string): Promise<ServiceObject> {
  const object = await client.find(typeOf(kind), name);
  if (!object) throw serviceNotFound(client, kind, name, client.namespace);
  return object;
}

function serviceNotFound(client: KubeClient, kind: ServiceKind, name: string, namespace: string): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no ${kind} "${name}" in namespace "${namespace}": see "kubectl skupper ${kind} status${client.flagsIn(namespace)}"`);
}

export function followServices(client: KubeClient, kind: ServiceKind, opts: { namespace: string; name?: string; labelSelector?: string }, signal: AbortSignal, onChanges: (objects: ServiceObject[]) => void): Promise<void> {
  return streamObjects(client, { type: typeOf(kind), ...opts }, signal, onChanges, () => serviceNotFound(client, kind, opts.name!, opts.namespace));
}

export type ServiceWait = 'configured' | 'ready';

function settled(object: ServiceObject, mode: ServiceWait): boolean {
  return mode === 'configured' ? conditionsTrue(object, ['Configured']) : isReady(object, ['Configured', 'Matched']);
}

/**
 * Waits (by watch) until the controller reports each named object configured or ready at its
 * current generation. An Error condition that stands (see FAILURE_SETTLE_MS) ends the wait.
 */
export async function waitForServices(client: KubeClient, kind: ServiceKind, names: string[], mode: ServiceWait, timeoutMs: number): Promise<ServiceObject[]> {
  const Kind = kind === 'listener' ? 'Listener' : 'Connector';
  let failure: string | undefined;
  const seen = await waitFor(client, {
    type: typeOf(kind),
    namespace: client.namespace,
    name: names.length === 1 ? names[0] : undefined,
    timeoutMs,
    done: (objects) => {
      failure = undefined;
      return names.every((n) => objects.get(n) !== undefined && settled(objects.get(n)!, mode));
    },
    failed: (objects) => {
      failure = undefined;
      for (const name of names) {
        const object = objects.get(name);
        const error = object ? currentError(object) : undefined;
        if (error) {
          failure = `${Kind} "${name}" has an error: ${error}`;
          return true;
        }
      }
      return false;
    },
    describeTimeout: (objects) => {
      const when = timeoutMs === 0 ? 'yet (--timeout 0 checks once)' : `after ${formatDuration(timeoutMs)}`;
      const waiting = names
        .filter((n) => !objects.get(n) || !settled(objects.get(n)!, mode))
        .map((n) => {
          const object = objects.get(n);
          if (!object) return `${n} (does not exist)`;
          const state = serviceState(object);
          const message = object.status?.status ? `${state.status}: ${state.message}` : 'no status yet: is the Skupper controller running in this namespace?';
          return `${n} (${message})`;
        });
      return `${kind === 'listener' ? 'listeners' : 'connectors'} not ${mode} ${when}: ${waiting.join(', ')}`;
    },
  });
  if (failure) throw new SkupperError('NOT_READY', failure);
  return names.map((n) => seen.get(n)!).sort((a, b) => compareText(a.metadata.name, b.metadata.name));
}

/** A connector's selector when it reaches no pod (why the controller has not configured it), and which pods it would reach; else undefined. */
export async function unmatchedSelector(client: KubeClient, connector: Connector): Promise<{ selector: string; pods: 'ready' | 'running' } | undefined> {
  if (!connector.spec.selector || (await selectedPods(client, connector)).length > 0) return undefined;
  return { selector: connector.spec.selector, pods: connector.spec.includeNotReadyPods ? 'running' : 'ready' };
}

export interface ServiceDeletion {
  name: string;
  gone?: boolean;
}

export async function deleteService(client: KubeClient, kind: ServiceKind, name: string, opts: GoneOptions & DryRun): Promise<ServiceDeletion> {
  await getService(client, kind, name);
  if (opts.dryRun === 'client') return { name };
  await client.delete(typeOf(kind), name, client.namespace, { dryRun: opts.dryRun === 'server' });
  if (opts.dryRun) return { name };
  return { name, gone: await waitUntilGone(client, typeOf(kind), name, client.namespace, opts) };
}

export interface ListenerChanges {
  routingKey?: string;
  host?: string;
  port?: number;
  tlsCredentials?: string;
  type?: string;
}

export interface ConnectorChanges {
  routingKey?: string;
  port?: number;
  host?: string;
  selector?: string;
  workload?: { kind: WorkloadKind; name: string };
  includeNotReady?: boolean;
  tlsCredentials?: string;
  type?: string;
}

export interface ServiceUpdate {
  object: ServiceObject;
  changes: string[];
  unchanged: string[];
}

/**
 * Changes only what was asked for, with a merge patch guarded by the resourceVersion read. The
 * controller writes status often, which moves the resourceVersion too: on a conflict we read again
 * and decide again (a few times), rather than overwrite a change we did not see.
 */
export async function updateService(client: KubeClient, kind: ServiceKind, name: string, asked: ListenerChanges & ConnectorChanges, opts: DryRun = {}): Promise<ServiceUpdate> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateOnce(client, kind, name, asked, opts);
    } catch (err) {
      if (!(err instanceof Stale)) throw err;
      if (attempt >= 5) throw err.conflict;
    }
  }
}

/** The patch met a newer resourceVersion than the one read. */
class Stale extends Error {
  constructor(readonly conflict: SkupperError) {
    super(conflict.message);
  }
}

async function updateOnce(client: KubeClient, kind: ServiceKind, name: string, asked: ListenerChanges & ConnectorChanges, opts: DryRun): Promise<ServiceUpdate> {
  const current = await getService(client, kind, name);
  const spec = current.spec as unknown as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  const done: string[] = [];
  const same: string[] = [];
  const field = (key: string, label: string, value: unknown, show = (v: unknown) => JSON.stringify(v)) => {
    if (value === undefined) return;
    const before = spec[key];
    if (before === value || (key === 'includeNotReadyPods' && Boolean(before) === value)) same.push(`${label} is already ${show(value)}`);
    else {
      patch[key] = value;
      done.push(before === undefined || before === '' ? `${label} set to ${show(value)}` : `${label} changed from ${show(before)} to ${show(value)}`);
    }
  };
  field('routingKey', 'routing key', asked.routingKey);
  field('port', 'port', asked.port, String);
  field('type', 'type', asked.type, String);
  if (asked.tlsCredentials !== undefined && asked.tlsCredentials !== spec.tlsCredentials) await requireSecret(client, asked.tlsCredentials);
  field('tlsCredentials', 'TLS credentials', asked.tlsCredentials);
  if (kind === 'listener') {
    if (asked.host !== undefined && asked.host !== spec.host) await requireFreeHost(client, asked.host, name);
    field('host', 'host', asked.host);
  }
  else {
    const target = asked.host !== undefined || asked.selector !== undefined || asked.workload ? await targetOf(client, asked) : {};
    // A connector has a host or a selector: setting one removes the other.
    if (target.host !== undefined) {
      field('host', 'host', target.host);
      if (patch.host !== undefined && spec.selector !== undefined) (patch.selector = null), done.push('selector removed');
    }
    if (target.selector !== undefined) {
      field('selector', 'selector', target.selector);
      if (patch.selector !== undefined && spec.host !== undefined) (patch.host = null), done.push('host removed');
    }
    field('includeNotReadyPods', 'include not ready pods', asked.includeNotReady, String);
  }
  if (done.length === 0 || opts.dryRun === 'client') return { object: current, changes: done, unchanged: same };
  const body = { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: patch };
  try {
    const updated = await client.patch(typeOf(kind), name, body, client.namespace, undefined, { dryRun: opts.dryRun === 'server' });
    return { object: updated, changes: done, unchanged: same };
  } catch (err) {
    throw err instanceof SkupperError && err.code === 'CONFLICT' ? new Stale(err) : err;
  }
}
