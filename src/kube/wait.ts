// One watch-based wait for every resource: it believes the object only as the API server streams
// it, re-lists when the watch expires, and on timeout reports the object's own status message.
import { SkupperError } from '../errors.js';
import type { KubeClient } from './client.js';
import type { ResourceType } from './resources.js';
import { formatDuration, MAX_DURATION_MS } from '../duration.js';

export interface WaitOptions<T> {
  type: ResourceType<T>;
  namespace: string;
  /** Objects to follow: one name, or a label selector, or all in the namespace. */
  name?: string;
  labelSelector?: string;
  timeoutMs: number;
  /** Called with the current objects (by name) after every change; true ends the wait. */
  done: (objects: ReadonlyMap<string, T>) => boolean;
  /** Builds the timeout message from what was last seen. */
  describeTimeout: (objects: ReadonlyMap<string, T>) => string;
}

type Named = { metadata: { name: string; resourceVersion?: string } };

/**
 * Waits until `done` holds. A timeout of 0 checks once and does not wait (as `kubectl wait
 * --timeout=0`); timeouts are bounded by MAX_DURATION_MS where they are parsed, and clamped here
 * too because timers refuse anything longer.
 */
export async function waitFor<T>(client: KubeClient, opts: WaitOptions<T>): Promise<ReadonlyMap<string, T>> {
  const timeoutMs = Math.min(Math.max(0, opts.timeoutMs), MAX_DURATION_MS);
  const end = Date.now() + timeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const query = {
    fieldSelector: opts.name ? `metadata.name=${opts.name}` : undefined,
    labelSelector: opts.labelSelector,
  };
  const objects = new Map<string, T>();
  let checked = false;
  while (!deadline.aborted || !checked) {
    // (Re)list to get a consistent starting point, then follow changes from its resourceVersion.
    const list = await client.list(opts.type, opts.namespace, query);
    checked = true;
    objects.clear();
    for (const item of list.items) objects.set((item as Named).metadata.name, item);
    if (opts.done(objects)) return objects;
    if (timeoutMs === 0) break;
    let resourceVersion = list.metadata.resourceVersion;
    let expired = false;
    while (!deadline.aborted && !expired) {
      const ended = await client.watch<T>(
        opts.type,
        opts.namespace,
        { ...query, resourceVersion, timeoutSeconds: String(Math.max(1, Math.ceil((end - Date.now()) / 1000))) },
        (event) => {
          if (event.type === 'ERROR') {
            expired = true; // 410 Gone: our resourceVersion is too old; re-list.
            return true;
          }
          const object = event.object as T & Named;
          resourceVersion = object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') return false;
          if (event.type === 'DELETED') objects.delete(object.metadata.name);
          else objects.set(object.metadata.name, object);
          return opts.done(objects);
        },
        deadline,
      );
      if (ended === 'expired') expired = true;
      else if (ended === 'done' && !expired && !deadline.aborted) return objects;
    }
  }
  throw new SkupperError('TIMEOUT', opts.describeTimeout(objects));
}

export interface GoneOptions {
  /** false: return once the delete is accepted. */
  wait: boolean;
  /** 0: check once whether it is gone, without waiting. */
  timeoutMs: number;
}

/** After a delete: whether the object is gone, waiting for it as the options say. */
export async function waitUntilGone(client: KubeClient, type: ResourceType, name: string, namespace: string, opts: GoneOptions): Promise<boolean> {
  if (!opts.wait) return false;
  try {
    await waitFor(client, {
      type,
      namespace,
      name,
      timeoutMs: opts.timeoutMs,
      done: (objects) => !objects.has(name),
      describeTimeout: () => `${type.kind} "${name}" is still being deleted after ${formatDuration(opts.timeoutMs)}: check its finalizers with "kubectl get ${type.kind.toLowerCase()} ${name} -n ${namespace} -o yaml"`,
    });
    return true;
  } catch (err) {
    if (opts.timeoutMs === 0 && err instanceof SkupperError && err.code === 'TIMEOUT') return false;
    throw err;
  }
}

