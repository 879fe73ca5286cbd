// Links: generate manifests for another site, list and wait for their status, delete them.
// Returns data and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { LINKS, SECRETS, type Link, type Secret } from '../kube/resources.js';
import { streamObjects, waitFor, waitUntilGone, type GoneOptions } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { isReady } from '../status/readiness.js';
import { byNamespaceAndName, resolveSite } from '../site/sites.js';
import { MANAGED_BY, linkCredentials, readIssuer } from './credentials.js';
import { linkManifests, requireLinkAccess } from './manifests.js';
import { compareText } from '../compare.js';

export interface GenerateOptions {
  /** The site to link to; needed only when the namespace has several. */
  site?: string;
  name?: string;
  tlsCredentials?: string;
  cost: number;
  generateCredential: boolean;
}

/** The Secret (when asked) and Links that let another site link to this one, Secret first. */
export async function generateLinks(client: KubeClient, opts: GenerateOptions): Promise<(Secret | Link)[]> {
  // Start loading the certificate library now; it overlaps with the API calls below.
  const certs = opts.generateCredential ? import('../certs/x509.js').then((m) => m.loadX509()) : undefined;
  certs?.catch(() => {}); // a failure surfaces where the certificate is made
  const site = await resolveSite(client, opts.site, client.namespace, { flag: '--site <name>' });
  requireLinkAccess(site, client.flags);
  const secretName = opts.tlsCredentials ?? `link-${site.metadata.name}`;
  const links = linkManifests(site, { name: opts.name, tlsCredentials: secretName, cost: opts.cost });
  if (!opts.generateCredential) return links;
  const ca = await readIssuer(client, site);
  const secret = await linkCredentials(ca, secretName, secretName);
  return [secret, ...links];
}

/** One link, or the links of the namespace ('' for every namespace) matching the selector, sorted. */
export async function listLinks(client: KubeClient, name?: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<Link[]> {
  if (name) {
    const link = await client.find(LINKS, name);
    if (!link) throw linkNotFound(name, client.namespace, client.flags);
    return [link];
  }
  const list = await client.list(LINKS, opts.namespace ?? client.namespace, { labelSelector: opts.labelSelector });
  return list.items.sort(byNamespaceAndName);
}

export function isLinkReady(link: Link): boolean {
  return link.status?.status === 'Ready' && isReady(link, ['Configured', 'Operational']);
}

/** Waits (by watch) until every named link, or every link in the namespace, is Ready. */
export async function waitForLinks(client: KubeClient, names: string[] | undefined, timeoutMs: number): Promise<Link[]> {
  const wanted = (seen: ReadonlyMap<string, Link>) => (names ? names.map((n) => seen.get(n)) : [...seen.values()]);
  const objects = await waitFor(client, {
    type: LINKS,
    namespace: client.namespace,
    name: names?.length === 1 ? names[0] : undefined,
    timeoutMs,
    done: (seen) => {
      const links = wanted(seen);
      return links.length > 0 && links.every((l) => l !== undefined && isLinkReady(l));
    },
    describeTimeout: (seen) => {
      const links = wanted(seen);
      const when = timeoutMs === 0 ? 'yet (--timeout 0 checks once)' : `after ${formatDuration(timeoutMs)}`;
      if (links.length === 0) return `no links in namespace "${client.namespace}" ${timeoutMs === 0 ? 'yet (--timeout 0 checks once)' : `appeared within ${formatDuration(timeoutMs)}`}`;
      const waiting = (names ?? [...seen.keys()])
        .sort()
        .map((n) => seen.get(n) ?? n)
        .filter((l) => typeof l === 'string' || !isLinkReady(l))
        .map((l) => (typeof l === 'string' ? `${l} (does not exist)` : `${l.metadata.name} (${l.status?.status ?? 'Pending'}: ${l.status?.message || 'no status yet: Skupper 2.2 configures a new link within 30 s of its creation; if it stays so, is the Skupper controller running?'})`));
      return `links not ready ${when}: ${waiting.join(', ')}`;
    },
  });
  return wanted(objects).filter((l): l is Link => l !== undefined).sort((a, b) => compareText(a.metadata.name, b.metadata.name));
}

export interface DeleteResult {
  link: string;
  /** The Secret removed with it, when the plugin made it and no other Link uses it. */
  secret?: string;
  /** Whether the Link was seen gone (false with --no-wait, or --timeout 0 while it is still being deleted). */
  gone?: boolean;
}

export async function deleteLink(client: KubeClient, name: string, opts: GoneOptions & { dryRun?: 'client' | 'server' }): Promise<DeleteResult> {
  const [link] = await listLinks(client, name);
  const dryRun = opts.dryRun === 'server';
  if (opts.dryRun !== 'client') await client.delete(LINKS, name, client.namespace, { dryRun });
  const result: DeleteResult = { link: name };
  const secretName = link!.spec.tlsCredentials;
  if (secretName) {
    const secret = await client.find(SECRETS, secretName);
    const ours = secret?.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];
    const others = (await client.list(LINKS)).items.filter((l) => l.metadata.name !== name && l.spec.tlsCredentials === secretName);
    if (secret && ours && others.length === 0) {
      if (opts.dryRun !== 'client') await client.delete(SECRETS, secretName, client.namespace, { dryRun });
      result.secret = secretName;
    }
  }
  if (opts.dryRun) return result;
  result.gone = await waitUntilGone(client, LINKS, name, client.namespace, opts);
  return result;
}

/** Streams the links (as listed, then each one that changes) until the signal aborts. */
export function followLinks(client: KubeClient, opts: { namespace: string; name?: string; labelSelector?: string }, signal: AbortSignal, onChanges: (links: Link[]) => void): Promise<void> {
  return streamObjects(client, { type: LINKS, ...opts }, signal, onChanges, () => linkNotFound(opts.name!, opts.namespace, client.flagsIn(opts.namespace)));
}

function linkNotFound(name: string, namespace: string, flags: string): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no link "${name}" in namespace "${namespace}": see "kubectl skupper link status${flags}"`);
}

export interface LinkChanges {
  cost?: number;
  tlsCredentials?: string;
}

/** Changes only what was asked for, with a merge patch guarded by the resourceVersion read. */
export async function updateLink(client: KubeClient, name: string, changes: LinkChanges, opts: { dryRun?: 'client' | 'server' } = {}): Promise<{ link: Link; changes: string[]; unchanged: string[] }> {
  const [link] = await listLinks(client, name);
  const spec: Partial<Link['spec']> = {};
  const done: string[] = [];
  const same: string[] = [];
  const cost = link!.spec.cost ?? 1;
  if (changes.cost !== undefined) {
    if (changes.cost === cost) same.push(`cost is already ${cost}`);
    else {
      spec.cost = changes.cost;
      done.push(`cost changed from ${cost} to ${changes.cost}`);
    }
  }
  if (changes.tlsCredentials !== undefined) {
    if (changes.tlsCredentials === link!.spec.tlsCredentials) same.push(`TLS credentials are already "${changes.tlsCredentials}"`);
    else {
      if (!(await client.find(SECRETS, changes.tlsCredentials))) {
        throw new SkupperError('INPUT', `there is no Secret "${changes.tlsCredentials}" in namespace "${client.namespace}": apply the link's credentials first, or name another Secret`);
      }
      spec.tlsCredentials = changes.tlsCredentials;
      done.push(`TLS credentials changed to "${changes.tlsCredentials}"`);
    }
  }
  if (done.length === 0 || opts.dryRun === 'client') return { link: link!, changes: done, unchanged: same };
  const body = { metadata: { resourceVersion: link!.metadata.resourceVersion }, spec };
  const updated = await client.patch(LINKS, name, body, client.namespace, undefined, { dryRun: opts.dryRun === 'server' });
  return { link: updated, changes: done, unchanged: same };
}
