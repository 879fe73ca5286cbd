// The one way the plugin talks to the API server: plain REST calls over the transport
// (transport.ts: node:https, keep-alive, bounded by --timeout and --request-timeout), with
// credentials from the kubeconfig (the fast path, or @kubernetes/client-node), so that every
// failure passes through apiError.
import { SkupperError } from '../errors.js';
import { renderTargetFlags, type Target } from './target-flags.js';
import { apiError, transportError, type CallContext } from './api-errors.js';
import { apiVersionOf, type KubeList, type ResourceType } from './resources.js';
import { RequestTimeout, timeoutError, type Response, type Transport } from './transport.js';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  cleanup?: boolean;
}

export type WatchEvent<T> = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T } | { type: 'ERROR'; object: { code?: number; message?: string; reason?: string } };

const PAGE_SIZE = 500;
/** How long past its timeoutSeconds a silent watch is given up. */
const STALL_MARGIN_SECONDS = 30;

export class KubeClient {
  readonly server: string;
  readonly namespace: string;

  constructor(
    readonly transport: Transport,
    namespace: string,
    /** How long the API server keeps one watch open (timeoutSeconds); follow() then watches again. */
    readonly watchSeconds = 300,
    /** Where the invocation pointed, as the person gave it (see target-flags.ts). */
    readonly target: Target = {},
  ) {
    this.server = transport.server;
    this.namespace = namespace;
  }

  /** The invocation's target flags (" --context C -n N", those given), to complete the commands messages suggest. */
  get flags(): string {
    return renderTargetFlags(this.target);
  }

  /** The target flags naming `namespace` whether or not -n was given. */
  flagsIn(namespace = this.namespace): string {
    return renderTargetFlags({ ...this.target, namespace });
  }

  /** Requests sent so far (benchmarks count them, so that an N+1 pattern shows). */
  get requestCount(): number {
    return this.transport.requests;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.transport.close();
  }

  path(type: ResourceType, namespace: string | undefined, name?: string, subresource?: string): string {
    const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
    const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const obj = name ? `/${encodeURIComponent(name)}` : '';
    return `${base}${ns}/${type.plural}${obj}${subresource ? `/${subresource}` : ''}`;
  }

  async get<T>(type: ResourceType<T>, name: string, namespace = this.namespace): Promise<T> {
    return this.call<T>('GET', this.path(type, namespace, name), call('get', type, namespace, name, this.server));
  }

  /** Like get, but undefined when the object does not exist. */
  async find<T>(type: ResourceType<T>, name: string, namespace = this.namespace): Promise<T | undefined> {
    try {
      return await this.get(type, name, namespace);
    } catch (err) {
      if (err instanceof SkupperError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Lists every object, following `continue` tokens so that large namespaces come in pages. */
  async list<T>(type: ResourceType<T>, namespace = this.namespace, query: RequestOptions['query'] = {}): Promise<KubeList<T>> {
    const items: T[] = [];
    let resourceVersion: string | undefined;
    let token: string | undefined;
    do {
      const page = await this.call<KubeList<T>>('GET', this.path(type, namespace), call('list', type, namespace, undefined, this.server), {
        query: { ...query, limit: PAGE_SIZE, continue: token },
      });
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    return { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion }, items };
  }

  /** `cleanup`: finishing an operation past its point of no return, allowed a few seconds past --timeout as undoing one is. */
  async create<T>(type: ResourceType<T>, object: T, namespace = this.namespace, opts: { dryRun?: boolean; cleanup?: boolean } = {}): Promise<T> {
    const name = (object as { metadata?: { name?: string } }).metadata?.name;
    return this.call<T>('POST', this.path(type, namespace), call('create', type, namespace, name, this.server), {
      body: object,
      query: { dryRun: opts.dryRun ? 'All' : undefined },
      cleanup: opts.cleanup,
    });
  }

  /** JSON merge patch: changes only the fields given, so unrelated fields survive. */
  async patch<T>(type: ResourceType<T>, name: string, patch: unknown, namespace = this.namespace, subresource?: string, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.call<T>('PATCH', this.path(type, namespace, name, subresource), call('patch', type, namespace, name, this.server), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { dryRun: opts.dryRun ? 'All' : undefined },
    });
  }

  /** `cleanup`: taking back what this command made after a failure, allowed a few seconds past --timeout. */
  async delete(type: ResourceType, name: string, namespace = this.namespace, opts: { propagation?: 'Background' | 'Foreground'; dryRun?: boolean; cleanup?: boolean } = {}): Promise<void> {
    // With a body, the API server reads DeleteOptions from it alone (query parameters are ignored).
    const options = { ...(opts.propagation ? { propagationPolicy: opts.propagation } : {}), ...(opts.dryRun ? { dryRun: ['All'] } : {}) };
    await this.call('DELETE', this.path(type, namespace, name), call('delete', type, namespace, name, this.server), {
      body: Object.keys(options).length > 0 ? { kind: 'DeleteOptions', apiVersion: 'v1', ...options } : undefined,
      cleanup: opts.cleanup,
    });
  }

  /**
   * Streams watch events to `onEvent` until it returns true, the signal aborts, or the server
   * closes the stream. Returns how it ended ('expired': the resourceVersion is too old to watch
   * from); the caller decides whether to watch again or re-list.
   */
  async watch<T>(
    type: ResourceType<T>,
    namespace: string,
    query: Record<string, string | undefined>,
    onEvent: (event: WatchEvent<T>) => boolean | void,
    signal: AbortSignal,
  ): Promise<'done' | 'closed' | 'expired'> {
    const ctx = call('watch', type, namespace, undefined, this.server);
    const path = this.pathWithQuery(this.path(type, namespace), { ...query, watch: 'true', allowWatchBookmarks: 'true' });
    // A server that vanished without closing the connection (a cut network) ends no watch: give
    // up on one that outlives its timeoutSeconds by a margin, and report it closed.
    const inner = new AbortController();
    const forward = () => inner.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    const seconds = Number(query.timeoutSeconds);
    const stalled = new Error('watch outlived its timeoutSeconds');
    const guard = seconds > 0 ? setTimeout(() => inner.abort(stalled), (seconds + STALL_MARGIN_SECONDS) * 1000) : undefined;
    let response: Response | undefined;
    try {
      response = await this.transport.send({ method: 'GET', path, headers: { accept: 'application/json' }, signal: inner.signal, stream: true });
      // 410 Gone before any event: our resourceVersion is older than etcd keeps; the caller re-lists.
      if (response.status === 410) return 'expired';
      if (response.status < 200 || response.status > 299) throw apiError(response.status, await response.text(), ctx);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line && onEvent(JSON.parse(line) as WatchEvent<T>) === true) return 'done';
        }
      }
      return 'closed';
    } catch (err) {
      if (inner.signal.reason === stalled && !signal.aborted) return 'closed';
      if (signal.aborted && !(err instanceof RequestTimeout)) return 'done';
      throw this.failure(err, ctx);
    } finally {
      clearTimeout(guard);
      signal.removeEventListener('abort', forward);
      response?.discard();
    }
  }

  private pathWithQuery(path: string, query: RequestOptions['query'] = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const text = params.toString();
    return text ? `${path}?${text}` : path;
  }

  private async call<T>(method: string, path: string, ctx: CallContext, opts: RequestOptions = {}): Promise<T> {
    let status: number;
    let text: string;
    try {
      const response = await this.transport.send({
        method,
        path: this.pathWithQuery(path, opts.query),
        headers: {
          accept: 'application/json',
          ...(opts.body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
        },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: opts.signal,
        cleanup: opts.cleanup,
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw this.failure(err, ctx);
    }
    if (status < 200 || status > 299) throw apiError(status, text, ctx);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private failure(err: unknown, ctx: CallContext): SkupperError {
    if (err instanceof SkupperError) return err;
    if (err instanceof RequestTimeout) return timeoutError(err, `${ctx.verb} ${ctx.plural}`, this.server);
    return transportError(err, ctx);
  }

  /**
   * The API server's clock, from the Date header of GET /version, with this machine's clock at
   * the moments the request left and the answer came (to judge the offset and its uncertainty).
   */
  async serverClock(): Promise<{ serverDate?: Date; sentAt: number; receivedAt: number }> {
    const ctx: CallContext = { verb: 'get', kind: 'version', plural: 'version', group: '', server: this.server };
    const sentAt = Date.now();
    let date: string | undefined;
    try {
      const response = await this.transport.send({ method: 'GET', path: '/version', headers: { accept: 'application/json' } });
      await response.text();
      date = response.headers.date;
    } catch (err) {
      throw this.failure(err, ctx);
    }
    const receivedAt = Date.now();
    return { serverDate: date ? new Date(date) : undefined, sentAt, receivedAt };
  }
}

function call(verb: string, type: ResourceType, namespace: string | undefined, name: string | undefined, server: string): CallContext {
  return { verb, kind: type.kind, plural: type.plural, group: type.group, namespace, name, server };
}
