// Credentials through @kubernetes/client-node, the authority on kubeconfig semantics, for what the
// fast path declines: auth providers (OIDC, GCP, Azure), proxies, basic auth, in-cluster, unusual
// fields. Requests still go through our node:https transport (transport.ts); client-node's agent is
// used only when it is a proxy agent.
import type { RequestOptions } from 'node:https';
import type { ResolvedKubeconfig } from './kubeconfig.js';
import type { AuthSource, Credentials, Headers, TlsMaterial } from './transport-auth.js';

/**
 * `configError` makes the error for credentials that cannot be had (a SkupperError, passed in: the
 * packaged executable loads this module as a separate bundle, with its own copy of every class).
 */
export async function clientNodeSource(resolved: ResolvedKubeconfig, reason: string, configError: (message: string, cause: unknown) => Error): Promise<AuthSource> {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  if (resolved.source === 'in-cluster') kc.loadFromCluster();
  else kc.loadFromString(JSON.stringify(resolved.config));
  const cluster = kc.getCurrentCluster();
  return {
    server: (cluster?.server ?? resolved.server).replace(/\/+$/, ''),
    via: `@kubernetes/client-node (${reason})`,
    async credentials(signal: AbortSignal): Promise<Credentials> {
      const opts: RequestOptions = {};
      // client-node's exec plugins cannot be killed; at least the request does not wait for them.
      try {
        await abortable(kc.applyToHTTPSOptions(opts), signal);
      } catch (err) {
        if (signal.aborted) throw err;
        throw configError(`cannot load the credentials of the kubeconfig's user: ${(err as Error).message.split('\n')[0]}`, err);
      }
      const tls: TlsMaterial = {};
      if (opts.ca !== undefined) tls.ca = String(opts.ca);
      if (opts.cert !== undefined) tls.cert = String(opts.cert);
      if (opts.key !== undefined) tls.key = String(opts.key);
      if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
      if (opts.servername !== undefined) tls.servername = opts.servername;
      const headers: Headers = {};
      for (const [name, value] of Object.entries(opts.headers ?? {})) if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String) : String(value);
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return { tls, headers, agent: cluster?.proxyUrl ? (opts.agent as Credentials['agent']) : undefined };
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
