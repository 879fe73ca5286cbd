// The grant server: serves AccessGrant redemptions over HTTPS for the namespaces whose Lease it
// holds, speaking upstream Skupper's protocol (POST <url>/<grant uid>, body = code, headers name
// and subject; 200 = a Secret document then Link documents).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { ACCESS_GRANTS, SECRETS, SITES, type AccessGrant, type Site } from '../kube/resources.js';
import type { PemPair } from '../certs/pem.js';
import { linkCredentials, readIssuer } from '../link/credentials.js';
import { linkManifests } from '../link/manifests.js';
import { loadYaml } from '../yaml.js';
import { issuerClaim, peekClaims } from '../token/claims.js';
import { signClaims } from '../token/jwt.js';
import { publicKeys, signingKeyFor, SIGNING_KEYS_SECRET, type PublicKey } from '../token/signing-keys.js';
import { ensureIdentity, type ServerIdentity } from './identity.js';
import { follow } from '../kube/wait.js';
import { holdLease, releaseLease, LEASE_SECONDS } from './lease.js';
import { allowedRedemptions, grantStatus, isFilled, ownership } from './grant-status.js';
import { checkCode, codeMatches, countUses, httpAnswer, type Refusal } from './redemption.js';

export interface GrantServerOptions {
  client: KubeClient;
  /** The namespaces to serve, or 'all' for every namespace with a Site. */
  namespaces: string[] | 'all';
  /** Where the server's own TLS identity Secret lives. */
  homeNamespace: string;
  listenHost: string;
  listenPort: number;
  /** Base URL put into grants; default https://<listen address>. */
  url?: string;
  log: (line: string) => void;
}

/** A redemption request body is a code of a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;
const SITE_CACHE_MS = 2000;
const UID = /^\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

interface SiteContext {
  site: Site;
  ca: PemPair;
  keys: Map<string, PublicKey>;
  at: number;
}

export class GrantServer {
  readonly identity = `${hostname()}/${process.pid}`;
  baseUrl = '';
  private server?: Server;
  private tls?: ServerIdentity;
  private readonly grants = new Map<string, AccessGrant>(); // by uid
  private readonly served = new Set<string>();
  private readonly sites = new Map<string, SiteContext>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly sockets = new Set<Socket>();
  private leaseTimer?: NodeJS.Timeout;
  private following?: Promise<void>;
  // Settles with the first full list of AccessGrants: before it, an unknown uid may be a grant we
  // have not read yet, and answering "refused" then would turn away a good token after a restart.
  private markSynced!: () => void;
  private readonly synced = new Promise<void>((resolve) => (this.markSynced = resolve));

  constructor(private readonly opts: GrantServerOptions) {}

  private get client(): KubeClient {
    return this.opts.client;
  }

  async start(): Promise<string> {
    // Node checks the header and request timeouts only every connectionsCheckingInterval (30s by default): a slow-header client would hold a socket that long.
    const server = createServer({ minVersion: 'TLSv1.3', requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192, connectionsCheckingInterval: 1000 }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.opts.log(`error: ${(err as Error).message}`);
        if (!res.headersSent) answer(res, 503, 'Internal error');
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('tlsClientError', () => {}); // a client that gave up is not the server's problem
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new SkupperError('IO', `cannot listen on ${this.opts.listenHost}:${this.opts.listenPort}: ${err.code === 'EADDRINUSE' ? 'the address is in use (by another grant server?): pass a free one with --listen, or --listen 127.0.0.1:0 for any' : err.message}`)));
      server.listen(this.opts.listenPort, this.opts.listenHost, () => resolve());
    });
    this.server = server;
    const port = (server.address() as { port: number }).port;
    const host = this.opts.listenHost.includes(':') ? `[${this.opts.listenHost}]` : this.opts.listenHost;
    this.baseUrl = (this.opts.url ?? `https://${host}:${port}`).replace(/\/+$/, '');
    try {
      this.tls = await ensureIdentity(this.client, this.opts.homeNamespace, new URL(this.baseUrl).hostname.replace(/^\[|\]$/g, ''));
      server.setSecureContext({ cert: this.tls.cert, key: this.tls.key, minVersion: 'TLSv1.3' });
      await this.renewLeases();
    } catch (err) {
      // A server that cannot serve must not keep the port (and the process) alive.
      await this.stop();
      throw err;
    }
    this.leaseTimer = setInterval(() => void this.renewLeases().catch((err: unknown) => this.opts.log(`lease: ${(err as Error).message}`)), (LEASE_SECONDS * 1000) / 3);
    const namespace = this.opts.namespaces === 'all' ? '' : this.opts.namespaces.length === 1 ? this.opts.namespaces[0]! : '';
    this.following = this.followGrants(namespace);
    // Ready means every grant is known: the caller says "listening" only after this.
    await Promise.race([this.synced, this.following]);
    return this.baseUrl;
  }

  /** Keeps the view of the AccessGrants current until stopped, starting over after a failure. */
  private async followGrants(namespace: string): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await follow(this.client, { type: ACCESS_GRANTS, namespace }, signal, (_, changes) => {
          // A (re)list comes as LISTED changes, or as none at all when there is no grant.
          const listed = changes.length === 0 || changes[0]!.type === 'LISTED';
          if (listed) this.grants.clear();
          for (const { type, object } of changes) {
            if (type === 'DELETED') this.grants.delete(object.metadata.uid!);
            else this.remember(object);
          }
          if (listed) this.markSynced();
          return false;
        });
      } catch (err) {
        if (signal.aborted) return;
        this.opts.log(`watching AccessGrants: ${(err as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
    this.abort.abort();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      // Idle keep-alive connections would hold close() open; requests in flight finish first.
      this.server.closeIdleConnections();
      setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, 2000).unref();
    });
    await this.following;
    // A renewal still in flight would race the release.
    await this.renewing?.catch(() => undefined);
    await Promise.all([...this.served].map((ns) => releaseLease(this.client, ns, this.identity).catch(() => undefined)));
    this.served.clear();
  }

  /** The renewal under way, if any. */
  private renewing: Promise<void> | undefined;

  /** Takes or renews the Lease of every namespace we mean to serve. */
  private renewLeases(): Promise<void> {
    // One renewal at a time: under load one can outlast the interval, and two would race each
    // other's resourceVersion and read the conflict as another server holding the Lease.
    this.renewing ??= this.renewLeasesNow().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewLeasesNow(): Promise<void> {
    const wanted = this.opts.namespaces === 'all' ? [...new Set((await this.client.list(SITES, '')).items.map((s) => s.metadata.namespace!))] : this.opts.namespaces;
    for (const ns of wanted) {
      const outcome = await holdLease(this.client, ns, this.identity, this.baseUrl);
      if (outcome.held && !this.served.has(ns)) {
        this.served.add(ns);
        this.opts.log(`serving namespace ${ns}`);
        for (const g of this.grants.values()) if (g.metadata.namespace === ns) this.remember(g);
      } else if (!outcome.held && (this.served.delete(ns) || !this.warned.has(ns))) {
        this.warned.add(ns);
        this.opts.log(`not serving namespace ${ns}: grant server ${outcome.holder}${outcome.url ? ` (${outcome.url})` : ''} holds its Lease`);
      }
    }
    for (const ns of [...this.served]) if (!wanted.includes(ns)) this.served.delete(ns);
  }

  private readonly warned = new Set<string>();

  private remember(grant: AccessGrant): void {
    // A watch event can trail the grant our own status write returned: keep the newer one, or the
    // next count would be written against a stale resourceVersion and conflict.
    const known = this.grants.get(grant.metadata.uid!);
    if (known && Number(known.metadata.resourceVersion) > Number(grant.metadata.resourceVersion)) return;
    this.grants.set(grant.metadata.uid!, grant);
    if (!this.served.has(grant.metadata.namespace!) || isFilled(grant, this.baseUrl, this.tls!.ca) || ownership(grant, this.baseUrl) === 'theirs') return;
    void this.serialized(grant.metadata.uid!, () => this.fill(grant.metadata.uid!)).catch((err: unknown) => this.opts.log(`AccessGrant ${grant.metadata.namespace}/${grant.metadata.name}: ${(err as Error).message}`));
  }

  private async fill(uid: string): Promise<void> {
    const grant = this.grants.get(uid);
    if (!grant || isFilled(grant, this.baseUrl, this.tls!.ca) || ownership(grant, this.baseUrl) === 'theirs') return;
    const context = await this.siteContext(grant.metadata.namespace!).catch(() => undefined);
    if (!context) return; // no usable site yet: token issue says so before it makes a grant
    const status = await grantStatus(grant, {
      baseUrl: this.baseUrl,
      ca: this.tls!.ca,
      site: context.site,
      now: Date.now(),
      mint: async (claims) => signClaims(claims, await signingKeyFor(this.client, context.site, claims.exp)),
    });
    try {
      const written = await this.client.patch(ACCESS_GRANTS, grant.metadata.name, { metadata: { resourceVersion: grant.metadata.resourceVersion }, status }, grant.metadata.namespace, 'status');
      this.grants.set(uid, written);
    } catch (err) {
      // Changed meanwhile: its watch event brings it back here.
      if (!(err instanceof SkupperError && (err.code === 'CONFLICT' || err.code === 'NOT_FOUND'))) throw err;
    }
  }

  /** Runs one task at a time per grant, in arrival order. */
  private serialized<T>(uid: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(uid) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.locks.set(uid, settled);
    void settled.then(() => {
      if (this.locks.get(uid) === settled) this.locks.delete(uid);
    });
    return next;
  }

  private async siteContext(namespace: string, fresh = false): Promise<SiteContext> {
    const cached = this.sites.get(namespace);
    if (cached && !fresh && Date.now() - cached.at < SITE_CACHE_MS) return cached;
    const sites = (await this.client.list(SITES, namespace)).items;
    if (sites.length !== 1) throw new SkupperError('NOT_READY', `namespace ${namespace} has ${sites.length} sites`);
    const site = sites[0]!;
    const [ca, keySecret] = await Promise.all([readIssuer(this.client, site), this.client.find(SECRETS, SIGNING_KEYS_SECRET, namespace)]);
    const context = { site, ca, keys: publicKeys(keySecret), at: Date.now() };
    this.sites.set(namespace, context);
    return context;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return answer(res, 405, 'Only POST is supported');
    const body = await readBody(req);
    if (body === undefined) return answer(res, 400, 'Request body not valid');
    const uid = UID.exec(req.url ?? '')?.[1];
    await this.synced;
    const found = uid ? this.grants.get(uid) : undefined;
    const known = found && this.served.has(found.metadata.namespace!) && ownership(found, this.baseUrl) === 'ours' ? found : undefined;
    // Without the right code, an unknown grant and a known one (expired, used up or not) get the
    // same answer after the same work: the code is compared before anything else is looked at.
    const matches = codeMatches(known, body);
    if (!known || !matches) {
      if (known) this.opts.log(`redemption grant=${known.metadata.namespace}/${known.metadata.name} outcome=refused (wrong code)`);
      return answer(res, ...httpAnswer({ kind: 'refused', reason: 'wrong code' }));
    }
    const grant = known;
    const where = `${grant.metadata.namespace}/${grant.metadata.name}`;
    const name = String(req.headers.name ?? '') || grant.metadata.name;
    const subject = String(req.headers.subject ?? '') || name;
    if (name.length > 253 || !NAME.test(name) || subject.length > 64) return answer(res, 400, 'Request body not valid');
    const outcome = await this.redeem(uid!, body, name, subject);
    if (outcome.kind === 'redeemed') {
      this.opts.log(`redemption grant=${where} outcome=redeemed uses=${outcome.used}/${outcome.allowed} left=${outcome.allowed - outcome.used}`);
      res.writeHead(200, { 'content-type': 'application/yaml' });
      res.end(outcome.body);
      return;
    }
    const allowed = allowedRedemptions(grant);
    this.opts.log(`redemption grant=${where} outcome=${outcome.kind}${outcome.kind === 'refused' ? ` (${outcome.reason})` : ''}${outcome.kind === 'failed' ? ` (${outcome.message})` : ''} left=${Math.max(0, allowed - (this.grants.get(uid!)?.status?.redemptions ?? 0))}`);
    return answer(res, ...httpAnswer(outcome));
  }

  private async redeem(uid: string, code: string, name: string, subject: string): Promise<Refusal | { kind: 'redeemed'; used: number; allowed: number; body: string }> {
    const grant = this.grants.get(uid)!;
    const context = await this.siteContext(grant.metadata.namespace!).catch((err: unknown) => err as Error);
    if (context instanceof Error) return { kind: 'failed', message: context.message };
    // A key made since we last read the set (first use, rotation): read it again, once.
    const kid = peekClaims(code)?.header.kid;
    const keys = async () => (typeof kid === 'string' && !context.keys.has(kid) ? (await this.siteContext(grant.metadata.namespace!, true)).keys : context.keys);
    const checked = await checkCode(grant, code, keys, issuerClaim({ name: context.site.metadata.name, uid: context.site.metadata.uid! }));
    if (checked !== 'ok') return checked;
    // The credentials first, outside the grant's lock: only a use that produced them is counted.
    let body: string;
    try {
      body = await this.credentials(context, name, subject);
    } catch (err) {
      return { kind: 'failed', message: `making the credentials failed: ${(err as Error).message}` };
    }
    const counted = await this.countOne(uid);
    if (counted instanceof Error) return { kind: 'failed', message: counted.message };
    if (counted === undefined) return { kind: 'used-up', allowed: allowedRedemptions(grant) };
    return { kind: 'redeemed', used: counted, allowed: allowedRedemptions(grant), body };
  }

  /**
   * Counts one use of a grant: the use number, undefined when none is left. Uses that wait while a
   * write is in flight are counted together in the next write (one API call for many callers, in
   * arrival order), so the count stays exact and throughput grows with the number of callers.
   */
  private countOne(uid: string): Promise<number | undefined | Error> {
    return new Promise((resolve) => {
      const queue = this.pending.get(uid) ?? [];
      queue.push(resolve);
      this.pending.set(uid, queue);
      if (queue.length > 1) return;
      void this.serialized(uid, async () => {
        const batch = this.pending.get(uid) ?? [];
        this.pending.delete(uid);
        const counted = await countUses(this.client, this.grants.get(uid)!, batch.length).catch((err: unknown) => err as Error);
        if (counted instanceof Error) return batch.forEach((r) => r(counted));
        this.remember(counted.grant);
        batch.forEach((r, i) => r(i < counted.granted ? counted.before + i + 1 : undefined));
      });
    });
  }

  private readonly pending = new Map<string, ((use: number | undefined | Error) => void)[]>();

  /** The response: a kubernetes.io/tls Secret with a client certificate from the site's CA, then its Links. */
  private async credentials(context: SiteContext, name: string, subject: string): Promise<string> {
    const { stringify } = await loadYaml();
    const secret = await linkCredentials(context.ca, name, subject);
    const links = linkManifests(context.site, { name, tlsCredentials: name, cost: 1 });
    if (links.length === 0) throw new Error(`site ${context.site.metadata.name} has no endpoints`);
    return [secret, ...links].map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

/** The body, or undefined when it is too large or broken. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
