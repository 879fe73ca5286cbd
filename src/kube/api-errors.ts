// Turns every way an API call can fail into one SkupperError line a person can act on.
import { SkupperError } from '../errors.js';

/** What the call was doing, for the message. */
export interface CallContext {
  verb: string; // get, list, create, patch, delete, watch
  kind: string; // Site, Secret, ...
  plural: string;
  group: string;
  namespace?: string;
  name?: string;
  server: string;
}

/** The body of a failed Kubernetes API call (metav1.Status). */
export interface ApiStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

const CRD_HINT =
  'Skupper v2 is not installed in this cluster (the skupper.io/v2alpha1 resources are missing): install it with "kubectl apply -f https://skupper.io/v2/install.yaml", then try again';

export function apiError(status: number, body: string, call: CallContext): SkupperError {
  const parsed = parseStatus(body);
  const where = call.namespace ? ` in namespace "${call.namespace}"` : '';
  const object = call.name ? `${call.kind} "${call.name}"` : call.plural;
  const detail = parsed?.message ? `: ${firstLine(parsed.message)}` : '';
  switch (status) {
    case 401:
      return new SkupperError('UNAUTHORIZED', `the API server at ${call.server} did not accept your credentials (401 Unauthorized): log in again or check the user in your kubeconfig`);
    case 403:
      return new SkupperError('FORBIDDEN', `you are not allowed to ${call.verb} ${qualified(call)}${where} (403 Forbidden): ask your cluster admin for a Role that grants "${call.verb}" on ${qualified(call)}`);
    case 404:
      // A missing object comes back as a Status with reason NotFound; a missing resource type
      // (the CRD is not installed) comes back as a bare "404 page not found".
      if (call.group === 'skupper.io' && parsed?.reason !== 'NotFound') {
        return new SkupperError('CRDS_MISSING', CRD_HINT);
      }
      if (parsed?.details?.kind === 'namespaces') {
        return new SkupperError('NOT_FOUND', `namespace "${parsed.details.name ?? call.namespace}" does not exist: create it, or choose another with -n`);
      }
      return new SkupperError('NOT_FOUND', `${object} not found${where}`);
    case 409:
      if (parsed?.reason === 'AlreadyExists') {
        return new SkupperError('CONFLICT', `${object} already exists${where}`);
      }
      return new SkupperError('CONFLICT', `${object}${where} was changed by someone else while we updated it (409 Conflict): run the command again`);
    case 422:
      return new SkupperError('INVALID', `the API server rejected ${object}${where} as invalid: ${causes(parsed) || firstLine(parsed?.message ?? body)}`);
    case 410:
      return new SkupperError('API', `the API server expired our view of ${call.plural} (410 Gone)${detail}`);
    case 429:
    case 503:
      return new SkupperError('API', `the API server at ${call.server} is too busy to ${call.verb} ${call.plural} (${status})${detail}: try again shortly`, { cause: { status } });
    default:
      return new SkupperError('API', `could not ${call.verb} ${object}${where} (HTTP ${status})${detail || `: ${firstLine(body).slice(0, 200)}`}`);
  }
}

/** Network-level failures: refused, DNS, TLS, timeouts. */
export function transportError(err: unknown, call: CallContext, timeoutMs?: number): SkupperError {
  const cause = rootCause(err);
  const code = (cause as { code?: string }).code ?? '';
  const name = (err as { name?: string }).name ?? '';
  const server = call.server;
  if (name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    const after = timeoutMs ? ` after ${Math.round(timeoutMs / 100) / 10}s` : '';
    return new SkupperError('TIMEOUT', `the API server at ${server} did not answer ${call.verb} ${call.plural}${after}: check the server is up, or raise --timeout`, { cause: err });
  }
  if (code === 'ECONNREFUSED') {
    return new SkupperError('UNREACHABLE', `cannot reach the API server at ${server}: connection refused; is the cluster running and is the kubeconfig's server address right?`, { cause: err });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SkupperError('UNREACHABLE', `cannot reach the API server at ${server}: the host name does not resolve (DNS); check the kubeconfig's server address`, { cause: err });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return new SkupperError('UNREACHABLE', `cannot reach the API server at ${server}: ${code}; check your network or VPN`, { cause: err });
  }
  if (/CERT|SELF_SIGNED|SSL|TLS|ERR_TLS|UNABLE_TO_VERIFY/i.test(code) || /certificate|tls|ssl/i.test(cause.message)) {
    return new SkupperError('UNREACHABLE', `cannot trust the API server at ${server}: TLS failed (${code || firstLine(cause.message)}); check certificate-authority-data in the kubeconfig`, { cause: err });
  }
  return new SkupperError('UNREACHABLE', `cannot reach the API server at ${server}: ${firstLine(cause.message) || code}`, { cause: err });
}

function parseStatus(body: string): ApiStatus | undefined {
  try {
    const value = JSON.parse(body) as ApiStatus;
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function causes(status: ApiStatus | undefined): string {
  const list = status?.details?.causes ?? [];
  return list
    .map((c) => oneLine([c.field, c.message].filter(Boolean).join(': ')))
    .filter(Boolean)
    .join('; ');
}

function qualified(call: CallContext): string {
  return call.group ? `${call.plural}.${call.group}` : call.plural;
}

/** Messages from the server can span lines (admission webhooks); we print one line. */
function firstLine(text: string): string {
  return oneLine(text);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function rootCause(err: unknown): Error {
  let current = err as Error & { cause?: unknown };
  for (let i = 0; i < 5 && current?.cause instanceof Error; i++) current = current.cause as Error & { cause?: unknown };
  return current instanceof Error ? current : new Error(String(err));
}
