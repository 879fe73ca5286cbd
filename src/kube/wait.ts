// One watch-based wait for every resource: it believes the object only as the API server streams
// it, re-lists when the watch expires or the connection fails (a restarting API server, a cut
// watch), and on timeout reports the object's own status message, or that the server was away.
import { SkupperError } from '../errors.js';
import type { KubeClient } from './client.js';
import type { ResourceType } from './resources.js';
import { formatDuration, MAX_DURATION_MS } from '../duration.js';
import { compareText } from '../compare.js';

export interface WaitOptions<T> extends FollowOptions<T> {
  timeoutMs: number;
  /** Called with the current objects (by name) after every change; true ends the wait. */
  done: (objects: ReadonlyMap<string, T>) => boolean;
  /** Builds the timeout message from what was last seen. */
  describeTimeout: (objects: ReadonlyMap<string, T>) => string;
  /**
   * True when the objects show an error the caller reports. The wait returns them once the error
   * has stood for FAILURE_SETTLE_MS (or at the deadline): controllers report errors they then get
   * past on their own, such as a cache that trails a deletion just after a site is re-created.
   */
  failed?: (objects: ReadonlyMap<string, T>) => boolean;
}

/** How long an error must stand before a wait gives up on it. */
export const FAILURE_SETTLE_MS = 3000;

type Named = { metadata: { name: string; namespace?: string; resourceVersion?: string } };

export interface FollowOptions<T> {
  type: ResourceType<T>;
  /** '' follows every namespace; objects are then keyed "namespace/name", else by name. */
  namespace: string;
  name?: string;
  labelSelector?: string;
  /** Runs until the signal aborts (-w, the grant server): outlives API server restarts and timeouts, retrying with backoff. */
  persist?: boolean;
}

export interface Change<T> {
  type: 'LISTED' | 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/**
 * Lists, then streams changes from the list's resourceVersion, re-listing when the watch expires,
 * until `changed` returns true (then true) or the signal aborts (then false). `changed` sees the
 * current objects and what changed (every object, as LISTED, after a (re)list). `once` stops after
 * the first list.
 */
export async function follow<T>(
  client: KubeClient,
  opts: FollowOptions<T>,
  signal: AbortSignal,
  changed: (objects: ReadonlyMap<string, T>, changes: Change<T>[]) => boolean,
  once = false,
  end?: number,
  outage?: { last?: SkupperError },
): Promise<boolean> {
  const query = {
    fieldSelector: opts.name ? `metadata.name=${opts.name}` : undefined,
    labelSelector: opts.labelSelector,
  };
  const key = (o: Named) => (opts.namespace === '' ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
  const objects = new Map<string, T>();
  let listed = false;
  let backoff = 0;
  while (!signal.aborted || !listed) {
    try {
      const result = await listAndWatch();
      if (result !== undefined) return result;
    } catch (err) {
      if (opts.persist && !signal.aborted && (isTransient(err) || (err instanceof SkupperError && err.code === 'TIMEOUT'))) {
        // Back off up to 5 s while the server is away; listed again once it answers.
        backoff = Math.min(5000, Math.max(250, backoff * 2));
        await pause(backoff, signal);
        if (signal.aborted) return false;
        continue;
      }
      // A wait with a deadline outlives a restarting or briefly unreachable API server: it
      // re-lists once the server answers again, and says on timeout that it was unreachable.
      // The command's deadline may end a request first while the server is still away.
      if (outage?.last && err instanceof SkupperError && err.code === 'TIMEOUT') return false;
      if (!outage || !isTransient(err)) throw err;
      outage.last = err as SkupperError;
      await pause(500, signal);
      if (signal.aborted) return false;
    }
  }
  return false;

  async function listAndWatch(): Promise<boolean | undefined> {
    // (Re)list to get a consistent starting point, then follow changes from its resourceVersion.
    const list = await client.list(opts.type, opts.namespace, query);
    listed = true;
    backoff = 0;
    if (outage) outage.last = undefined;
    objects.clear();
    for (const item of list.items) objects.set(key(item as Named), item);
    if (changed(objects, list.items.map((object) => ({ type: 'LISTED', object })))) return true;
    if (once) return false;
    let resourceVersion = list.metadata.resourceVersion;
    let expired = false;
    while (!signal.aborted && !expired) {
      // Watches end on the server after timeoutSeconds; we then watch again from where we were.
      const seconds = end === undefined ? client.watchSeconds : Math.max(1, Math.min(client.watchSeconds, Math.ceil((end - Date.now()) / 1000)));
      const ended = await client.watch<T>(
        opts.type,
        opts.namespace,
        { ...query, resourceVersion, timeoutSeconds: String(seconds) },
        (event) => {
          if (event.type === 'ERROR') {
            expired = true; // 410 Gone: our resourceVersion is too old; re-list.
            return true;
          }
          const object = event.object as T & Named;
          resourceVersion = object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') return false;
          if (event.type === 'DELETED') objects.delete(key(object));
          else objects.set(key(object), object);
          return changed(objects, [{ type: event.type, object }]);
        },
        signal,
      );
      if (ended === 'expired') expired = true;
      else if (ended === 'done' && !expired && !signal.aborted) return true;
    }
    return signal.aborted ? false : undefined;
  }
}

/**
 * Failures that a restart or a cut connection causes: refused or reset connections, and the 503 a
 * starting API server answers with (not TLS trust, DNS, or other HTTP errors).
 */
function isTransient(err: unknown): boolean {
  if (!(err instanceof SkupperError)) return false;
  if (err.code === 'API') return [429, 503].includes((err.cause as { status?: number } | undefined)?.status ?? 0);
  if (err.code !== 'UNREACHABLE') return false;
  let cause: unknown = err.cause;
  while (cause && typeof cause === 'object') {
    const code = (cause as { code?: string }).code;
    if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Streams the objects as listed, then each one that changes (sorted by namespace and name; deletions
 * left out), until the signal aborts. A named object that the first list lacks ends the stream with
 * `missing()`, as `kubectl get <name> -w` does: it would otherwise wait for nothing, forever.
 */
export async function streamObjects<T>(client: KubeClient, opts: FollowOptions<T>, signal: AbortSignal, onObjects: (objects: T[]) => void, missing?: () => SkupperError): Promise<void> {
  const order = (o: T) => `${(o as Named).metadata.namespace ?? ''}/${(o as Named).metadata.name}`;
  let first = true;
  await follow(client, { ...opts, persist: true }, signal, (objects, changes) => {
    if (first && opts.name && objects.size === 0 && missing) throw missing();
    first = false;
    onObjects(changes.filter((c) => c.type !== 'DELETED').map((c) => c.object).sort((a, b) => compareText(order(a), order(b))));
    return false;
  });
}

/**
 * Waits until `done` holds. A timeout of 0 checks once and does not wait (as `kubectl wait
 * --timeout=0`); timeouts are bounded by MAX_DURATION_MS where they are parsed, and clamped here
 * too because timers refuse anything longer.
 */
export async function waitFor<T>(client: KubeClient, opts: WaitOptions<T>): Promise<ReadonlyMap<string, T>> {
  const timeoutMs = Math.min(Math.max(0, opts.timeoutMs), MAX_DURATION_MS);
  let last: ReadonlyMap<string, T> = new Map();
  const outage: { last?: SkupperError } = {};
  const settled = new AbortController();
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (objects: ReadonlyMap<string, T>): boolean => {
    last = objects;
    if (opts.done(objects)) return true;
    const failed = opts.failed?.(objects) ?? false;
    if (failed && timeoutMs === 0) return true;
    if (failed && !failing) timer = setTimeout(() => settled.abort(), FAILURE_SETTLE_MS);
    if (!failed) clearTimeout(timer);
    failing = failed;
    return false;
  };
  let done: boolean;
  try {
    done = await follow(client, opts, AbortSignal.any([AbortSignal.timeout(timeoutMs), settled.signal]), check, timeoutMs === 0, Date.now() + timeoutMs, timeoutMs === 0 ? undefined : outage);
  } finally {
    clearTimeout(timer);
  }
  // An error that stood until now is the answer, whether it settled or the deadline came first.
  if (done || failing) return last;
  if (outage.last) throw new SkupperError('TIMEOUT', `gave up after ${formatDuration(timeoutMs)}: the API server was unreachable until then (${outage.last.message})`, { cause: outage.last });
  throw new SkupperError('TIMEOUT', opts.describeTimeout(last));
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

