// Sites: find, create, change and delete the one Skupper Site of a namespace, and wait for the
// controller to act on it. Returns data and throws SkupperError; never prints.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import {
  ACCESS_GRANTS, ACCESS_TOKENS, ATTACHED_CONNECTOR_BINDINGS, ATTACHED_CONNECTORS, CERTIFICATES, CONNECTORS, LINKS, LISTENERS, ROUTER_ACCESSES, SECURED_ACCESSES, SITES, SKUPPER_API_VERSION,
  type ResourceType, type Site,
} from '../kube/resources.js';
import { streamObjects, waitFor, waitUntilGone, type GoneOptions } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { conditionsTrue, currentError, isReady, statusMessage } from '../status/readiness.js';
import type { LinkAccessType, WaitMode } from './validate.js';
import { compareText } from '../compare.js';

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

/** Sites of a namespace ('' for every namespace), sorted by namespace then name. */
export async function listSites(client: KubeClient, namespace = client.namespace, opts: { labelSelector?: string } = {}): Promise<Site[]> {
  const list = await client.list(SITES, namespace, { labelSelector: opts.labelSelector });
  return list.items.sort(byNamespaceAndName);
}

export function byNamespaceAndName(a: { metadata: { name: string; namespace?: string } }, b: { metadata: { name: string; namespace?: string } }): number {
  return compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compareText(a.metadata.name, b.metadata.name);
}

/** The named site, or the only site of the namespace. */
export async function resolveSite(client: KubeClient, name?: string, namespace = client.namespace, opts: { flag?: string } = {}): Promise<Site> {
  if (name) {
    const site = await client.find(SITES, name, namespace);
    if (!site) throw siteNotFound(name, namespace, client.flagsIn(namespace));
    return site;
  }
  const sites = await listSites(client, namespace);
  if (sites.length === 0) throw noSite(namespace, client.flagsIn(namespace));
  if (sites.length > 1) {
    throw new SkupperError('USAGE', `namespace "${namespace}" has several sites (${sites.map((s) => s.metadata.name).join(', ')}): name the one you mean${opts.flag ? ` with ${opts.flag}` : ''}`);
  }
  return sites[0]!;
}

/** `flags`: the invocation's target flags, to complete the suggested command. */
export function siteNotFound(name: string, namespace: string, flags = ''): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no site "${name}" in namespace "${namespace}": see "kubectl skupper site status${flags}"`);
}

/** `flags`: the invocation's target flags, to complete the suggested command. */
export function noSite(namespace: string, flags = ''): SkupperError {
  return new SkupperError('NOT_FOUND', `there is no Skupper site in namespace "${namespace}": create one with "kubectl skupper site create <name>${flags}"`);
}

export async function createSite(client: KubeClient, settings: SiteSettings, opts: { dryRun?: 'client' | 'server' } = {}): Promise<Site> {
  const namespace = client.namespace;
  const existing = await listSites(client, namespace);
  if (existing.length > 0) {
    const names = existing.map((s) => `"${s.metadata.name}"`).join(', ');
    throw new SkupperError('CONFLICT', `namespace "${namespace}" already has a site (${names}); a namespace holds one site: change it with "kubectl skupper site update${client.flags}", or see it with "kubectl skupper site status${client.flags}"`);
  }
  const site = siteManifest({ ...settings, namespace });
  if (opts.dryRun === 'client') return site;
  return client.create(SITES, site, namespace, { dryRun: opts.dryRun === 'server' });
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
export async function updateSite(client: KubeClient, name: string | undefined, changes: SiteChanges, opts: { dryRun?: 'client' | 'server' } = {}): Promise<SiteUpdate> {
  const site = await resolveSite(client, name, client.namespace, { flag: 'the site name argument' });
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
  if (opts.dryRun === 'client') return { site, changes: done, unchanged: same };
  const updated = await client.patch(SITES, site.metadata.name, body, site.metadata.namespace, undefined, { dryRun: opts.dryRun === 'server' });
  return { site: updated, changes: done, unchanged: same };
}

/** Every other Skupper kind a namespace may hold, in the order `site delete --all` removes them (as upstream, plus Links). */
const NAMESPACE_KINDS: ResourceType<{ metadata: { name: string } }>[] = [
  CONNECTORS, LISTENERS, LINKS, ACCESS_TOKENS, ACCESS_GRANTS, ROUTER_ACCESSES, SECURED_ACCESSES, CERTIFICATES, ATTACHED_CONNECTORS, ATTACHED_CONNECTOR_BINDINGS,
];

export interface SiteDeletion {
  site: Site;
  gone: boolean;
  /** With `all`: the other resources deleted, as "kind/name". */
  others: string[];
}

export async function deleteSite(client: KubeClient, name: string | undefined, opts: GoneOptions & { dryRun?: 'client' | 'server'; all?: boolean }): Promise<SiteDeletion> {
  const site = await resolveSite(client, name, client.namespace, { flag: 'the site name argument' });
  const dryRun = opts.dryRun === 'server';
  const namespace = site.metadata.namespace ?? client.namespace;
  if (opts.dryRun !== 'client') await client.delete(SITES, site.metadata.name, namespace, { propagation: 'Background', dryRun });
  const others: string[] = [];
  if (opts.all) {
    for (const type of NAMESPACE_KINDS) {
      let items: { metadata: { name: string } }[];
      try {
        items = (await client.list(type, namespace)).items;
      } catch (err) {
        if (err instanceof SkupperError && err.code === 'CRDS_MISSING') continue; // that kind is not installed: none exist
        throw err;
      }
      for (const item of items.sort((a, b) => compareText(a.metadata.name, b.metadata.name))) {
        if (opts.dryRun !== 'client') await client.delete(type, item.metadata.name, namespace, { dryRun });
        others.push(`${type.kind.toLowerCase()}/${item.metadata.name}`);
      }
    }
  }
  if (opts.dryRun) return { site, gone: false, others };
  const gone = await waitUntilGone(client, SITES, site.metadata.name, namespace, opts);
  return { site, gone, others };
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
      failure = undefined;
      if (!current) {
        failure = `Site "${name}" was deleted while we waited for it`;
        return true;
      }
      return mode === 'configured' ? conditionsTrue(current, ['Configured']) : isReady(current, requiredConditions(current, mode));
    },
    failed: (seen) => {
      const current = seen.get(name);
      failure = current ? currentError(current) : undefined;
      return failure !== undefined;
    },
    describeTimeout: (seen) => {
      const current = seen.get(name);
      const when = timeoutMs === 0 ? 'yet (--timeout 0 checks once)' : `after ${formatDuration(timeoutMs)}`;
      return `Site "${name}" is not ${mode} ${when}: ${current ? statusMessage(current) : 'it no longer exists'}`;
    },
  });
  if (failure) throw new SkupperError('NOT_READY', failure.startsWith('Site "') ? failure : `Site "${name}" has an error: ${failure}`);
  return objects.get(name)!;
}

/**
 * After a change: waits for the site as waitForSite does, except that with a timeout of 0 (check
 * once, do not wait) a site not there yet is an answer, not a failure: returns what it waits for.
 */
export async function settleSite(client: KubeClient, site: Site, mode: Exclude<WaitMode, 'none'>, timeoutMs: number): Promise<string | undefined> {
  try {
    await waitForSite(client, site, mode, timeoutMs);
    return undefined;
  } catch (err) {
    if (timeoutMs === 0 && err instanceof SkupperError && err.code === 'TIMEOUT') return err.message;
    throw err;
  }
}

/** Streams the sites (as listed, then each one that changes) until the signal aborts. */
export function followSites(client: KubeClient, opts: { namespace: string; name?: string; labelSelector?: string }, signal: AbortSignal, onChanges: (sites: Site[]) => void): Promise<void> {
  return streamObjects(client, { type: SITES, ...opts }, signal, onChanges, () => siteNotFound(opts.name!, opts.namespace, client.flagsIn(opts.namespace)));
}
