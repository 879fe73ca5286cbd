// Links: generate manifests for another site, list and wait for their status, delete them.
// Returns data and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { LINKS, SECRETS, type Link, type Secret } from '../kube/resources.js';
import { waitFor } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { isReady } from '../status/readiness.js';
import { resolveSite } from '../site/sites.js';
import { MANAGED_BY, linkCredentials, readIssuer } from './credentials.js';
import { linkManifests, requireLinkAccess } from './manifests.js';

export interface GenerateOptions {
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
  const site = await resolveSite(client);
  requireLinkAccess(site);
  const secretName = opts.tlsCredentials ?? `link-${site.metadata.name}`;
  const links = linkManifests(site, { name: opts.name, tlsCredentials: secretName, cost: opts.cost });
  if (!opts.generateCredential) return links;
  const ca = await readIssuer(client, site);
  const secret = await linkCredentials(ca, secretName, secretName);
  return [secret, ...links];
}

export async function listLinks(client: KubeClient, name?: string): Promise<Link[]> {
  if (name) {
    const link = await client.find(LINKS, name);
    if (!link) throw new SkupperError('NOT_FOUND', `there is no link "${name}" in namespace "${client.namespace}": see "kubectl skupper link status"`);
    return [link];
  }
  const list = await client.list(LINKS);
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
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
      if (links.length === 0) return `no links appeared in namespace "${client.namespace}" within ${formatDuration(timeoutMs)}`;
      const waiting = (names ?? [...seen.keys()])
        .sort()
        .map((n) => seen.get(n) ?? n)
        .filter((l) => typeof l === 'string' || !isLinkReady(l))
        .map((l) => (typeof l === 'string' ? `${l} (does not exist)` : `${l.metadata.name} (${l.status?.status ?? 'Pending'}: ${l.status?.message || 'no status yet: Skupper 2.2 configures a new link within 30 s of its creation; if it stays so, is the Skupper controller running?'})`));
      return `links not ready after ${formatDuration(timeoutMs)}: ${waiting.join(', ')}`;
    },
  });
  return wanted(objects).filter((l): l is Link => l !== undefined).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export interface DeleteResult {
  link: string;
  /** The Secret removed with it, when the plugin made it and no other Link uses it. */
  secret?: string;
}

export async function deleteLink(client: KubeClient, name: string, opts: { wait: boolean; timeoutMs: number }): Promise<DeleteResult> {
  const [link] = await listLinks(client, name);
  await client.delete(LINKS, name);
  const result: DeleteResult = { link: name };
  const secretName = link!.spec.tlsCredentials;
  if (secretName) {
    const secret = await client.find(SECRETS, secretName);
    const ours = secret?.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];
    const others = (await client.list(LINKS)).items.filter((l) => l.metadata.name !== name && l.spec.tlsCredentials === secretName);
    if (secret && ours && others.length === 0) {
      await client.delete(SECRETS, secretName);
      result.secret = secretName;
    }
  }
  if (opts.wait) {
    await waitFor(client, {
      type: LINKS,
      namespace: client.namespace,
      name,
      timeoutMs: opts.timeoutMs,
      done: (seen) => !seen.has(name),
      describeTimeout: () => `Link "${name}" is still being deleted after ${formatDuration(opts.timeoutMs)}: check its finalizers with "kubectl get link ${name} -o yaml"`,
    });
  }
  return result;
}
