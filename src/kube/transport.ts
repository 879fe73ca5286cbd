// HTTP/1.1 to the API server on node:https (node:http for http:// servers), with one keep-alive
// agent per set of TLS material, so a command's requests share one connection. node:https, unlike
// fetch, does not refuse ports such as 6000, 10080 or 1, and it is already in Node's start-up
// snapshot. Every request is bounded by the command's deadline (--timeout) and by
// --request-timeout, from obtaining credentials (exec plugins) through connect, TLS and the last
// byte of the body; the error says which limit ran out.
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { formatDuration } from '../duration.js';
import { SkupperError } from '../errors.js';
import { clientTls } from '../tls-trust.js';
import { redactHeaders, type AuthSource, type Headers, type TlsMaterial } from './transport-auth.js';

// Not `import ... from 'node:http'`: an ES module import reads every export of node:http, and its
// lazy WebSocket getters load Node's internal undici (measured: ~27 ms and memory on each start).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

export interface Limits {
  /** Epoch milliseconds by which the whole command must end (from --timeout); none when undefined. */
  deadline?: number;
  /** How the deadline was set, for messages: "--timeout 3s". */
  deadlineLabel?: string;
  /** Per request (--request-timeout); none when 0 or undefined. */
  requestTimeoutMs?: number;
}

export interface Response {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  /** The body as it arrives (watches); reading it is still bounded. */
  body: AsyncIterable<Buffer>;
  text(): Promise<string>;
  /** Drops the rest of the body. */
  discard(): void;
}

export interface SendOptions {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Ends the request early (a watch the caller is done with). */
  signal?: AbortSignal;
  /** A watch: long by design, bounded by `signal` alone (KubeClient.watch requires one). */
  stream?: boolean;
  /** Taking back what a failed command made: allowed CLEANUP_GRACE_MS past the deadline, so a timeout leaves nothing behind. */
  cleanup?: boolean;
}

export const CLEANUP_GRACE_MS = 5000;

/** Thrown when a limit runs out; api-errors turns it into the TIMEOUT message. */
export class RequestTimeout extends Error {
  constructor(
    readonly limit: string,
    readonly phase: string,
  ) {
    super(`no answer within ${limit} (${phase})`);
    this.name = 'RequestTimeout';
  }
}

export type Logger = (line: string) => void;

export class Transport {
  private readonly agents = new Map<string, HttpAgent>();
  /** Requests sent so far: benchmarks count them to catch N+1 patterns. */
  requests = 0;

  constructor(
    readonly source: AuthSource,
    readonly limits: Limits = {},
    private readonly verbosity = 0,
    private readonly log: Logger = () => {},
  ) {}

  get server(): string {
    return this.source.server;
  }

  async send(opts: SendOptions): Promise<Response> {
    const url = new URL(this.server + opts.path);
    const bound = this.bound(opts.stream, opts.cleanup);
    const controller = new AbortController();
    let phase = 'obtaining credentials';
    const timer = bound ? setTimeout(() => controller.abort(new RequestTimeout(bound.label, phase)), Math.max(0, bound.ms)) : undefined;
    const onCallerAbort = () => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    };
    const signal = controller.signal;
    const started = performance.now();
    try {
      // Out of time before it began: say so, not that credentials were late.
      if (bound && bound.ms <= 0) throw new RequestTimeout(bound.label, 'before the request could start');
      const credentials = await this.source.credentials(signal);
      signal.throwIfAborted();
      phase = 'connecting';
      const headers: Headers = { ...credentials.headers, ...opts.headers, 'User-Agent': 'kubectl-skupper' };
      if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
      this.requests++;
      if (this.verbosity >= 7) this.log(`${opts.method} ${url} request headers: ${JSON.stringify(redactHeaders(headers))}`);
      const secure = url.protocol === 'https:';
      const agent = credentials.agent ?? this.agent(secure, credentials.tls);
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = (secure ? https.request : http.request)(url, { method: opts.method, headers, agent }, resolve);
        const fail = () => req.destroy(signal.reason as Error);
        signal.addEventListener('abort', fail, { once: true });
        req.on('socket', (socket) => {
          const connected = () => (phase = 'waiting for the response');
          if (req.reusedSocket) connected();
          else socket.once(secure ? 'secureConnect' : 'connect', connected);
        });
        req.on('error', (err) => reject(signal.aborted ? signal.reason : err));
        req.on('close', () => signal.removeEventListener('abort', fail));
        req.end(opts.body);
      });
      phase = 'reading the response';
      const fail = () => res.destroy(signal.reason as Error);
      signal.addEventListener('abort', fail, { once: true });
      const status = res.statusCode ?? 0;
      const log = () => {
        if (this.verbosity >= 6) this.log(`${opts.method} ${url} ${status} ${res.statusMessage ?? ''} in ${Math.round(performance.now() - started)} milliseconds`);
        if (this.verbosity >= 8) this.log(`${opts.method} ${url} response headers: ${JSON.stringify(res.headers)}`);
      };
      const body = (async function* () {
        try {
          for await (const chunk of res) yield chunk as Buffer;
        } catch (err) {
          throw signal.aborted ? signal.reason : err;
        } finally {
          signal.removeEventListener('abort', fail);
          if (!res.complete) res.destroy();
          done();
        }
      })();
      if (opts.stream) log();
      return {
        status,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body,
        async text() {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk);
          log();
          return Buffer.concat(chunks).toString('utf8');
        },
        discard() {
          signal.removeEventListener('abort', fail);
          res.destroy();
          done();
        },
      };
    } catch (err) {
      done();
      if (this.verbosity >= 6) this.log(`${opts.method} ${url} failed after ${Math.round(performance.now() - started)} milliseconds: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Ends idle keep-alive connections, so that the process can exit at once. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** The tighter of what is left of the command's deadline and --request-timeout. */
  private bound(stream = false, cleanup = false): { ms: number; label: string } | undefined {
    const { deadlineLabel, requestTimeoutMs } = this.limits;
    const deadline = this.limits.deadline !== undefined && cleanup ? Math.max(this.limits.deadline, Date.now()) + CLEANUP_GRACE_MS : this.limits.deadline;
    // A watch is bounded by its caller's signal (the wait's own --timeout, which ends with a better
    // message: the object's status), not here.
    if (stream) return undefined;
    const left = deadline !== undefined ? deadline - Date.now() : undefined;
    const perRequest = !stream && requestTimeoutMs ? requestTimeoutMs : undefined;
    if (perRequest !== undefined && (left === undefined || perRequest <= left)) return { ms: perRequest, label: `${formatDuration(perRequest)} (--request-timeout)` };
    if (left !== undefined) return { ms: left, label: deadlineLabel ?? 'the command\'s deadline' };
    return undefined;
  }

  private agent(secure: boolean, tls: TlsMaterial): HttpAgent {
    const key = JSON.stringify([secure, tls.ca, tls.cert, tls.key, tls.rejectUnauthorized, tls.servername]);
    let agent = this.agents.get(key);
    if (!agent) {
      agent = secure ? new https.Agent({ keepAlive: true, ...clientTls(tls) }) : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/** One line that names the limit that ran out and what was under way. */
export function timeoutError(err: RequestTimeout, what: string, server: string): SkupperError {
  const advice = err.limit.includes('--request-timeout') ? 'raise --request-timeout' : 'raise --timeout';
  if (err.phase === 'obtaining credentials') {
    return new SkupperError('TIMEOUT', `the kubeconfig's credentials (exec plugin) were not ready within ${err.limit} to ${what}: check the plugin, or ${advice}`, { cause: err });
  }
  return new SkupperError('TIMEOUT', `the API server at ${server} did not answer ${what} within ${err.limit} (${err.phase}): check the server is up, or ${advice}`, { cause: err });
}
