// Links from a site's endpoints: one Link per endpoint group (a router and its roles), as the
// controller and the grant server make them. Pure functions, so manifests are deterministic.
import { SkupperError } from '../errors.js';
import { SKUPPER_API_VERSION, type Endpoint, type Link, type Site } from '../kube/resources.js';
import { compareText } from '../compare.js';

export interface LinkOptions {
  /** Base name; default link-<site>-<group> per group, as upstream. */
  name?: string;
  tlsCredentials: string;
  cost: number;
}

/** The site's endpoints grouped by router, groups sorted by name, roles sorted within. */
export function endpointGroups(site: Site): Map<string, Endpoint[]> {
  const groups = new Map<string, Endpoint[]>();
  for (const endpoint of site.status?.endpoints ?? []) {
    const group = endpoint.group ?? '';
    groups.set(group, [...(groups.get(group) ?? []), endpoint]);
  }
  return new Map(
    [...groups.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([group, endpoints]) => [group, [...endpoints].sort((a, b) => compareText(a.name ?? '', b.name ?? ''))]),
  );
}

/**
 * Refuses, with what to do, a site that other sites cannot link to yet. `where` (e.g.
 * " --context west -n team-a") completes the command to run when the site is not the current one.
 */
export function requireLinkAccess(site: Site, where = ''): void {
  const name = site.metadata.name;
  if (!site.spec.linkAccess || site.spec.linkAccess === 'none') {
    throw new SkupperError('NOT_READY', `link access is not enabled on site "${name}": run "kubectl skupper site update --enable-link-access${where}" on it first`);
  }
  if (!site.status?.endpoints?.length) {
    throw new SkupperError('NOT_READY', `site "${name}" has link access enabled but no endpoints yet: wait until "kubectl skupper site status${where}" lists them, then try again`);
  }
}

export function linkManifests(site: Site, opts: LinkOptions): Link[] {
  const groups = [...endpointGroups(site).entries()];
  return groups.map(([group, endpoints], i) => ({
    apiVersion: SKUPPER_API_VERSION,
    kind: 'Link',
    metadata: { name: linkName(site, group, opts.name, i, groups.length) },
    spec: {
      endpoints: endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, group: e.group })),
      tlsCredentials: opts.tlsCredentials,
      cost: opts.cost,
    },
  }));
}

function linkName(site: Site, group: string, base: string | undefined, index: number, count: number): string {
  if (!base) return `link-${site.metadata.name}-${group || 'default'}`;
  // The grant server's rule: the name alone for one group, name-1, name-2... for several.
  return count === 1 ? base : `${base}-${index + 1}`;
}
