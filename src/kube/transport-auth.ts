// What a request needs from the kubeconfig: where the server is, the TLS material, and the headers
// that authenticate us. Two sources produce it: the fast path (transport-fast.ts, plain node:fs and
// node:child_process) for the kubeconfigs most people have, and @kubernetes/client-node
// (transport-client-node.ts) for everything else.
import type { Agent } from 'node:http';

export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  /** Only when the kubeconfig says so; otherwise Node's default (NODE_TLS_REJECT_UNAUTHORIZED) holds. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export type Headers = Record<string, string | string[]>;

export interface Credentials {
  tls: TlsMaterial;
  headers: Headers;
  /** An agent the source insists on (client-node's proxy agents); otherwise the transport makes one from `tls`. */
  agent?: Agent;
}

export interface AuthSource {
  /** The server URL, without a trailing slash. */
  readonly server: string;
  /** How credentials are obtained, for -v logs: "fast path (client certificate)", "client-node (auth-provider oidc)". */
  readonly via: string;
  /**
   * Credentials for the next request. Exec plugins run on the first call and again only when the
   * credential they gave has expired; `signal` bounds a plugin that hangs.
   */
  credentials(signal: AbortSignal): Promise<Credentials>;
}

/** Impersonation headers for --as-group, which neither the kubeconfig's `as` nor client-node carries. */
export function withGroups(source: AuthSource, groups: readonly string[]): AuthSource {
  if (groups.length === 0) return source;
  return {
    server: source.server,
    via: source.via,
    async credentials(signal) {
      const c = await source.credentials(signal);
      // node:http sends an array as repeated header lines, which is how Impersonate-Group takes several.
      return { ...c, headers: { ...c.headers, 'Impersonate-Group': [...groups] } };
    },
  };
}

/** Mask what authenticates us, so that -v logs never show a token. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (/^(authorization|proxy-authorization|cookie)$/i.test(name)) {
      const scheme = String(value).split(' ')[0];
      out[name] = `${scheme} <masked>`;
    } else out[name] = value;
  }
  return out;
}
