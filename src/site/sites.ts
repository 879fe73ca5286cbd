// Sites: find, create, change and delete the one Skupper Site of a namespace, and wait for the
// controller to act on it. Returns data and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { SITES, SKUPPER_API_VERSION, type Site } from '../kube/resources.js';
import { waitFor } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { conditionsTrue, currentError, isReady, statusMessage } from '../status/readiness.js';
import type { LinkAccessType, WaitMode } from './validate.js';

export interface SiteSettings {
  name: string;
  namespace?: string;
  linkAccess?: LinkAccessType;
  ha?: boolean;
}

/** The Site manifest for create and generate. */
export function siteManifest(settings: SiteSettings): Site {
  const spec: Site['spec'] = {};
  if (settings.linkAccess) spec.linkAccess = settings.linkAccess;
  if (settings.ha) spec.ha = true;
  return {
    apiVersion: SKUPPER_API_VERSION,
    kind: 'Site',
    metadata: { name: settings.name, ...(settings.namespace ? { namespace: settings.namespace } : {}) },
    spec,
  };
}

export async function listSites(client: KubeClient, namespace = client.namespace): Promise<Site[]> {
  const list = await client.list(SITES, namespace);
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** The named site, or the only site of the namespace. */
export async function resolveSite(client: KubeClient, name?: string, namespace = client.namespace): Promise<Site> {
  if (name) {
    const site = await client.find(SITES, name, namespace);
    if (!site) throw new SkupperError('NOT_FOUND', `there is no site "${name}" in namespace "${namespace}": see "kubectl skupper site status"`);
    return site;
  }
  const sites = await listSites(client, namespace);
  if (sites.length === 0) throw noSite(namespace);
  if (sites.length > 1) {
    throw new SkupperError('USAGE', `namespace "${namespace}" has several sites (${sites.map((s) => s.metadata.name).join(', ')}): name the one you mean`);
  }
  return sites[0]!;
}

export function noSite(namespace: string): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no Skupper site in namespace "${namespace}": create one with "kubectl skupper site create <name>"`);
}

export async function createSite(client: KubeClient, settings: SiteSettings): Promise<Site> {
  const namespace = client.namespace;
  const existing = await listSites(client, namespace);
  if (existing.length > 0) {
    const names = existing.map((s) => `"${s.metadata.name}"`).join(', ');
    throw new SkupperError('CONFLICT', `namespace "${namespace}" already has a site (${names}); a namespace holds one site: change it with "kubectl skupper site update"`);
  }
  return client.create(SITES, siteManifest({ ...settings, namespace }), namespace);
}

export interface SiteChanges {
  linkAccess?: LinkAccessType | 'disable';
  ha?: boolean;
}

export interface SiteUpdate {
  site: Site;
  /** What changed, in words, e.g. "link access enabled (default)"; empty when nothing did. */
  changes: string[];
  /** What was already as asked. */
  unchanged: string[];
}

/** Changes only what was asked for, with a merge patch: settings, labels, edge and the rest survive. */
export async function updateSite(client: KubeClient, name: string | undefined, changes: SiteChanges): Promise<SiteUpdate> {
  const site = await resolveSite(client, name);
  const patch: { spec: Record<string, unknown> } = { spec: {} };
  const done: string[] = [];
  const same: string[] = [];
  const current = site.spec.linkAccess && site.spec.linkAccess !== 'none' ? site.spec.linkAccess : undefined;
  if (changes.linkAccess === 'disable') {
    if (current) {
      patch.spec.linkAccess = null;
      done.push('link access disabled');
    } else same.push('link access is already disabled');
  } else if (changes.linkAccess) {
    if (current === changes.linkAccess) same.push(`link access is already enabled (${current})`);
    else {
      patch.spec.linkAccess = changes.linkAccess;
      done.push(current ? `link access type changed from ${current} to ${changes.linkAccess}` : `link access enabled (${changes.linkAccess})`);
    }
  }
  if (changes.ha !== undefined) {
    if (Boolean(site.spec.ha) === changes.ha) same.push(`HA is already ${changes.ha ? 'enabled' : 'disabled'}`);
    else {
      patch.spec.ha = changes.ha ? true : null;
      done.push(changes.ha ? 'HA enabled' : 'HA disabled');
    }
  }
  if (done.length === 0) return { site, changes: [], unchanged: same };
  // Guard against a concurrent change with the resourceVersion we read.
  const body = { metadata: { resourceVersion: site.metadata.resourceVersion }, ...patch };
  const updated = await client.patch(SITES, site.metadata.name, body, site.metadata.namespace);
  return { site: updated, changes: done, unchanged: same };
}

export async function deleteSite(client: KubeClient, name: string | undefined, opts: { wait: boolean; timeoutMs: number }): Promise<Site> {
  const site = await resolveSite(client, name);
  await client.delete(SITES, site.metadata.name, site.metadata.namespace, { propagation: 'Background' });
  if (opts.wait) {
    await waitFor(client, {
      type: SITES,
      namespace: site.metadata.namespace ?? client.namespace,
      name: site.metadata.name,
      timeoutMs: opts.timeoutMs,
      done: (objects) => !objects.has(site.metadata.name),
      describeTimeout: () => `Site "${site.metadata.name}" is still being deleted after ${formatDuration(opts.timeoutMs)}: check its finalizers with "kubectl get site ${site.metadata.name} -o yaml"`,
    });
  }
  return site;
}

/** The conditions that make a site ready, as the controller computes them. */
export function requiredConditions(site: Site, mode: Exclude<WaitMode, 'none'>): string[] {
  if (mode === 'configured') return ['Configured'];
  const linkAccess = site.spec.linkAccess && site.spec.linkAccess !== 'none';
  return ['Configured', 'Running', ...(linkAccess ? ['Resolved'] : [])];
}

/** Waits (by watch) until the controller reports the site configured or ready at its current generation. */
export async function waitForSite(client: KubeClient, site: Site, mode: Exclude<WaitMode, 'none'>, timeoutMs: number): Promise<Site> {
  const name = site.metadata.name;
  let failure: string | undefined;
  const objects = await waitFor(client, {
    type: SITES,
    namespace: site.metadata.namespace ?? client.namespace,
    name,
    timeoutMs,
    done: (seen) => {
      const current = seen.get(name);
      if (!current) {
        failure = `Site "${name}" was deleted while we waited for it`;
        return true;
      }
      failure = currentError(current);
      return failure !== undefined || (mode === 'configured' ? conditionsTrue(current, ['Configured']) : isReady(current, requiredConditions(current, mode)));
    },
    describeTimeout: (seen) => {
      const current = seen.get(name);
      return `Site "${name}" is not ${mode} after ${formatDuration(timeoutMs)}: ${current ? statusMessage(current) : 'it no longer exists'}`;
    },
  });
  if (failure) throw new SkupperError('NOT_READY', failure.startsWith('Site "') ? failure : `Site "${name}" has an error: ${failure}`);
  return objects.get(name)!;
}
