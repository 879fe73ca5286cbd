// The router's network status document (ConfigMap skupper-network-status, key NetworkStatus), as the
// kube-adaptor writes it and the controller reads it. The router stand-in writes it; the controller
// stand-in reads links from it with the controller's rule: a link counts only when its peer is a
// router access point of a site in the same document. Test and demo only.

// The shape is the one the real collector (kube-adaptor 2.2.1) wrote in interop mode with real
// routers: addresses null when no service is exposed; a router named 0/<site>-<pod> with its hostname
// and no namespace; one routerAccess per RouterAccess listener (none without link access), named
// <router>:<n>; a link's peer is the remote router access it reached; a remote site the collector has
// heard of but not yet from has routerStatus null.
export interface NetworkStatus {
  addresses: unknown[] | null;
  siteStatus: SiteStatusInfo[];
}

export interface RouterStatusInfo {
  router: { name: string; namespace?: string; mode: string; hostname?: string };
  links: { name: string; linkCost?: number; status: 'up' | 'down'; role: string; peer?: string }[];
  routerAccess: { identity: string }[];
  listeners: { name?: string; address?: string; destHost?: string; destPort?: string; protocol?: string }[];
  connectors: { address?: string; destHost?: string; destPort?: string; target?: string; process?: string }[];
}

export interface SiteStatusInfo {
  site: { identity: string; name: string; namespace: string; platform: string; siteVersion?: string };
  routerStatus: RouterStatusInfo[] | null;
}

export interface LinkRecord {
  name: string;
  operational: boolean;
  remoteSiteId: string;
  remoteSiteName: string;
}

export interface SiteRecord {
  id: string;
  name: string;
  namespace: string;
  platform: string;
  links?: LinkRecord[];
  services?: ServiceRecord[];
}

export interface ServiceRecord {
  routingKey: string;
  connectors?: string[];
  listeners?: string[];
}

/** The identity of a router's n-th access point (1: inter-router, 2: edge); the stand-in's router is named after its site. */
export const accessPoint = (siteId: string, n = 1) => `${siteId.slice(0, 8)}:${n}`;

/** Site records as the controller derives them (internal/network ExtractSiteRecords). */
export function siteRecords(status: NetworkStatus): SiteRecord[] {
  const apSite = new Map<string, string>();
  const names = new Map<string, string>();
  for (const s of status.siteStatus ?? []) {
    names.set(s.site.identity, s.site.name);
    for (const r of s.routerStatus ?? []) for (const ap of r.routerAccess ?? []) apSite.set(ap.identity, s.site.identity);
  }
  return (status.siteStatus ?? []).map((s) => {
    const record: SiteRecord = { id: s.site.identity, name: s.site.name, namespace: s.site.namespace, platform: s.site.platform };
    for (const r of s.routerStatus ?? []) {
      for (const l of r.links ?? []) {
        const remote = l.peer ? apSite.get(l.peer) : undefined;
        if (!l.name || !remote) continue;
        (record.links ??= []).push({ name: l.name, operational: l.status.toLowerCase() === 'up', remoteSiteId: remote, remoteSiteName: names.get(remote) ?? '' });
      }
    }
    // Services by routing key: connectors by destination host, listeners by name.
    const services = new Map<string, ServiceRecord>();
    const service = (key: string) => services.get(key) ?? services.set(key, { routingKey: key }).get(key)!;
    for (const r of s.routerStatus ?? []) {
      for (const c of r.connectors ?? []) if (c.address && c.destHost) (service(c.address).connectors ??= []).push(c.destHost);
      for (const l of r.listeners ?? []) if (l.address && l.name) (service(l.address).listeners ??= []).push(l.name);
    }
    if (services.size) record.services = [...services.values()];
    return record;
  });
}
