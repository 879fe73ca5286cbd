// Links two sites that one kubeconfig reaches, in one step: the client certificate is made here,
// signed by the target site's CA, and goes straight into a Secret on the --from site with its
// Links. No file is written and no key leaves this process except into that Secret.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { LINKS, SECRETS, type Link, type Site } from '../kube/resources.js';
import { resolveSite } from '../site/sites.js';
import { linkCredentials, readIssuer } from './credentials.js';
import { linkManifests, requireLinkAccess } from './manifests.js';
import { Operation } from '../operation.js';

export interface SiteEnd {
  client: KubeClient;
  /** How a person names this end on the command line, e.g. "--context west -n team-a". */
  flags: string;
}

export interface LinkSitesResult {
  from: Site;
  to: Site;
  secret: string;
  links: Link[];
}

/** `op` records the Secret and Links, so that a failure or a signal leaves all of them or none; the caller ends it with done(). */
export async function linkSites(from: SiteEnd, to: SiteEnd, opts: { name?: string; cost: number; op?: Operation }): Promise<LinkSitesResult> {
  const certs = import('../certs/x509.js').then((m) => m.loadX509());
  certs.catch(() => {}); // a failure surfaces where the certificate is made
  const [fromSite, toSite] = await Promise.all([resolveSite(from.client), resolveSite(to.client)]);
  if (fromSite.metadata.uid && fromSite.metadata.uid === toSite.metadata.uid) {
    throw new SkupperError('USAGE', `--from and --to are the same site "${toSite.metadata.name}": a site does not link to itself`);
  }
  requireLinkAccess(toSite, ` ${to.flags}`);
  const secretName = opts.name ?? `link-${toSite.metadata.name}`;
  const links = linkManifests(toSite, { name: opts.name, tlsCredentials: secretName, cost: opts.cost });
  const namespace = fromSite.metadata.namespace ?? from.client.namespace;
  // Refuse before creating anything, so that a clash leaves nothing half-made.
  const clashes = await Promise.all([
    from.client.find(SECRETS, secretName, namespace).then((s) => (s ? `Secret "${secretName}"` : undefined)),
    ...links.map((l) => from.client.find(LINKS, l.metadata.name, namespace).then((x) => (x ? `Link "${l.metadata.name}"` : undefined))),
  ]);
  const clash = clashes.filter(Boolean);
  if (clash.length > 0) {
    throw new SkupperError('CONFLICT', `site "${fromSite.metadata.name}" already has ${clash.join(' and ')}: see "kubectl skupper link status ${from.flags}", or pass --name for another link`);
  }
  const ca = await readIssuer(to.client, toSite);
  const secret = await linkCredentials(ca, secretName, secretName);
  const op = opts.op ?? new Operation();
  const created = await op.run(async () => {
    await op.create(() => from.client.create(SECRETS, secret, namespace), () => from.client.delete(SECRETS, secretName, namespace, { cleanup: true }));
    const made: Link[] = [];
    for (const link of links) made.push(await op.create(() => from.client.create(LINKS, link, namespace), () => from.client.delete(LINKS, link.metadata.name, namespace, { cleanup: true })));
    return made;
  });
  return { from: fromSite, to: toSite, secret: secretName, links: created };
}
