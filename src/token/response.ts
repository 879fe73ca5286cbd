// What a grant server may send back for a token: exactly one kubernetes.io/tls Secret, then Links
// that name it. Everything is rebuilt from the fields we use, with no namespace, so a server can
// neither place objects elsewhere nor slip anything else into the cluster.
import { loadYaml, READ_OPTIONS } from '../yaml.js';
import { SkupperError } from '../errors.js';
import { SKUPPER_API_VERSION, type Endpoint, type Link, type Secret } from '../kube/resources.js';

export interface Redeemed {
  secret: Secret;
  links: Link[];
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export async function parseGrantResponse(body: string, name: string, url: string): Promise<Redeemed> {
  const { parseAllDocuments } = await loadYaml();
  const refuse = (what: string) => new SkupperError('TOKEN_REFUSED', `the grant server at ${url} answered with ${what}: refused, nothing was created`);
  const docs = parseAllDocuments(body, READ_OPTIONS).filter((d) => d.contents !== null);
  if (docs.some((d) => d.errors.length > 0)) throw refuse('YAML that does not parse');
  let objects: (Record<string, unknown> | null)[];
  try {
    objects = docs.map((d) => d.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null);
  } catch {
    throw refuse('YAML that does not parse');
  }
  // Upstream's grant server names no namespace: an object placed elsewhere is an attempt to reach past this site.
  const placed = objects.find((o) => typeof o === 'object' && o !== null && typeof (o.metadata as { namespace?: unknown } | undefined)?.namespace === 'string' && (o.metadata as { namespace: string }).namespace !== '');
  if (placed) throw refuse(`${describe(placed)} for namespace "${(placed.metadata as { namespace: string }).namespace}"`);
  const [first, ...rest] = objects;
  const secret = toSecret(first, refuse);
  if (rest.length === 0) throw refuse('a Secret but no Link');
  const links = rest.map((o) => toLink(o, secret.metadata.name, refuse));
  if (secret.metadata.name !== name) throw refuse(`a Secret named "${secret.metadata.name}" where "${name}" was asked for`);
  const names = links.map((l) => l.metadata.name);
  const allowed = links.length === 1 ? [name] : links.map((_, i) => `${name}-${i + 1}`);
  if (names.some((n, i) => n !== allowed[i])) throw refuse(`Links named ${names.join(', ')} where ${allowed.join(', ')} were expected`);
  return { secret, links };
}

function describe(o: unknown): string {
  if (typeof o !== 'object' || o === null) return 'something that is not an object';
  const r = o as { kind?: unknown; metadata?: { name?: unknown } };
  return `a ${String(r.kind ?? 'object without kind')}${typeof r.metadata?.name === 'string' ? ` "${r.metadata.name}"` : ''}`;
}

function toSecret(o: Record<string, unknown> | null | undefined, refuse: (w: string) => SkupperError): Secret {
  const meta = o?.metadata as { name?: unknown } | undefined;
  if (!o || o.kind !== 'Secret' || o.apiVersion !== 'v1') throw refuse(`${o ? describe(o) : 'nothing'} where a Secret was expected first`);
  if (o.type !== 'kubernetes.io/tls') throw refuse(`a Secret of type "${String(o.type)}" instead of kubernetes.io/tls`);
  if (typeof meta?.name !== 'string' || !NAME.test(meta.name)) throw refuse('a Secret without a valid name');
  const data = o.data as Record<string, unknown> | undefined;
  const keys = Object.keys(data ?? {}).sort();
  if (keys.join(',') !== 'ca.crt,tls.crt,tls.key' || keys.some((k) => typeof data![k] !== 'string')) throw refuse(`a Secret whose data is ${keys.join(', ') || 'empty'} instead of ca.crt, tls.crt and tls.key`);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: meta.name },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': data!['ca.crt'] as string, 'tls.crt': data!['tls.crt'] as string, 'tls.key': data!['tls.key'] as string },
  };
}

function toLink(o: Record<string, unknown> | null, secretName: string, refuse: (w: string) => SkupperError): Link {
  if (!o || o.kind !== 'Link' || o.apiVersion !== SKUPPER_API_VERSION) throw refuse(`${describe(o)} besides the Secret and Links`);
  const meta = o.metadata as { name?: unknown } | undefined;
  const spec = o.spec as { endpoints?: unknown; tlsCredentials?: unknown; cost?: unknown } | undefined;
  if (typeof meta?.name !== 'string' || !NAME.test(meta.name)) throw refuse('a Link without a valid name');
  if (spec?.tlsCredentials !== secretName) throw refuse(`a Link "${meta.name}" that names Secret "${String(spec?.tlsCredentials)}" instead of "${secretName}"`);
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) throw refuse(`a Link "${meta.name}" without endpoints`);
  const endpoints: Endpoint[] = spec.endpoints.map((e: Record<string, unknown>) => {
    const ok = e && typeof e.host === 'string' && e.host !== '' && (typeof e.port === 'string' || typeof e.port === 'number') && (e.name === undefined || typeof e.name === 'string') && (e.group === undefined || typeof e.group === 'string');
    if (!ok) throw refuse(`a Link "${meta.name}" with an unusable endpoint`);
    return { ...(e.name ? { name: e.name as string } : {}), host: e.host as string, port: String(e.port), ...(e.group ? { group: e.group as string } : {}) };
  });
  const cost = typeof spec.cost === 'number' && Number.isInteger(spec.cost) && spec.cost > 0 ? spec.cost : undefined;
  return { apiVersion: SKUPPER_API_VERSION, kind: 'Link', metadata: { name: meta.name }, spec: { endpoints, tlsCredentials: secretName, ...(cost ? { cost } : {}) } };
}
