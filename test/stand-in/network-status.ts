// The router's network status document (ConfigMap skupper-network-status, key NetworkStatus), as the
// kube-adaptor writes it and the controller reads it. The router stand-in writes it; the controller
// stand-in reads links from it with the controller's rule: a link counts only when its peer is a
// router access point of a site in the same document. Test and demo only.

export interface NetworkStatus {
  addresses: unknown[];
  siteStatus: SiteStatusInfo[];
}

export interface SiteStatusInfo {
  site: { identity: string; name: string; namespace: string; platform: string; siteVersion?: string };
  routerStatus: {
    router: { name: string; namespace: string; mode: string };
    links: { name: string; linkCost?: number; status: 'up' | 'down'; role: string; peer?: string }[];
    routerAccess: { identity: string }[];
    listeners: { name?: string; address?: string; destHost?: string; destPort?: string; protocol?: string }[];
    connectors: { address?: string; destHost?: string; destPort?: string; target?: string; process?: string }[];
  }[];
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

/** The access point identity a router advertises for its site. */
export const accessPoint = (siteId: string) => `ap-${siteId}`;

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
