// The site itself: Ready at its current generation, reachable endpoints that speak mutual TLS
// with a certificate from its own CA, and certificates that are valid and not about to expire.
import type { KubeClient } from '../kube/client.js';
import { SECRETS, type Site } from '../kube/resources.js';
import { currentCondition, conditionsTrue, statusMessage } from '../status/readiness.js';
import { requiredConditions } from '../site/sites.js';
import { issuerOf, readIssuer } from '../link/credentials.js';
import { describeCertificate, verifySignedBy } from '../certs/pem.js';
import { cannotTell, fail, flagsFor, pass, skip, warn, type Check, type Clock, type Where } from './check.js';
import { secretText } from '../kube/secret-data.js';

const DAY_MS = 86_400_000;
/** Fewer days left than this is worth a warning: renewal takes planning. */
export const EXPIRY_WARNING_DAYS = 30;
/** The controller's server certificate for the router's link listeners. */
const SERVER_SECRET = 'skupper-site-server';

/** Ready at the current generation: the Ready condition where the controller sets one, else the conditions that make it up. */
export function siteReady(site: Site): boolean {
  const ready = currentCondition(site, 'Ready');
  if (ready) return ready.status === 'True';
  return site.status?.status === 'Ready' && conditionsTrue(site, requiredConditions(site, 'ready'));
}

export function checkSiteReady(site: Site, where: Where): Check {
  const title = 'Site ready';
  const name = site.metadata.name;
  if (siteReady(site)) return pass('site', title, `site "${name}" is Ready at generation ${site.metadata.generation ?? 1}`);
  const stale = site.status?.conditions?.some((c) => c.observedGeneration !== undefined && c.observedGeneration < (site.metadata.generation ?? 0));
  const why = stale ? `the controller has not yet acted on generation ${site.metadata.generation}` : statusMessage(site);
  return fail('site', title, `site "${name}" is not Ready: ${why}`, `watch it with "kubectl skupper site status${flagsFor(where)}"; if it stays so, check the Skupper controller's log and the router's Pods ("kubectl get pods -l skupper.io/component=router${flagsFor(where)}")`);
}

export async function checkEndpoints(client: KubeClient, site: Site, where: Where, timeoutMs: number): Promise<Check[]> {
  const title = 'Link access';
  const name = site.metadata.name;
  if (!site.spec.linkAccess || site.spec.linkAccess === 'none') {
    return [skip('link-access', title, `link access is off: this site links out, other sites cannot link to it (enable with "kubectl skupper site update --enable-link-access${flagsFor(where)}")`)];
  }
  const endpoints = site.status?.endpoints ?? [];
  if (endpoints.length === 0) {
    return [fail('link-access', title, `link access is on (${site.spec.linkAccess}) but site "${name}" has no endpoints yet`, `check that the router's Service got an address ("kubectl get service skupper-router${flagsFor(where)}"): a load balancer needs a cloud provider, else use --link-access-type route, ingress or nodeport`)];
  }
  const checks: Check[] = [pass('link-access', title, `link access is on (${site.spec.linkAccess}) with ${endpoints.length} endpoints`)];
  // A throwaway client certificate from the site's own CA, held in memory only: it proves the
  // endpoint speaks mutual TLS as a linking site would see it.
  let creds;
  try {
    const ca = await readIssuer(client, site);
    const { issueCertificate } = await import('../certs/issue.js');
    const pair = await issueCertificate(ca, { commonName: 'kubectl-skupper-doctor', client: true, server: false, validityDays: 1 });
    creds = { ...pair, ca: ca.cert };
  } catch (err) {
    return [...checks, cannotTell('endpoints', 'Endpoints', err)];
  }
  const { checkEndpoints: dial } = await import('../link/check.js');
  const results = await dial(name, endpoints, creds, timeoutMs);
  for (const r of results) {
    const id = `endpoint/${r.endpoint}${endpoints.filter((e) => e.name === r.endpoint).length > 1 ? `@${r.address}` : ''}`;
    const step = ([['TCP', r.tcp], ['TLS (server certificate)', r.serverTrusted], ['mutual TLS (client certificate)', r.clientAccepted]] as const).find(([, s]) => s.ok !== true);
    if (!step) checks.push(pass(id, `Endpoint ${r.endpoint}`, `${r.address} accepts mutual TLS from here with the site CA's certificates`));
    else if (step[0] === 'TCP' && /^(ENOTFOUND|EAI_AGAIN)$/.test(step[1].detail ?? '')) checks.push(fail(id, `Endpoint ${r.endpoint}`, `${r.address}: the host name does not resolve from here (${step[1].detail})`, 'check the DNS record of the endpoint, or the address the controller published for the router'));
    else checks.push(fail(id, `Endpoint ${r.endpoint}`, `${r.address}: ${step[0]}: ${step[1].detail}`, step[0] === 'TCP' ? 'check that the address resolves and is reachable from here (firewall, load balancer, DNS)' : `check the router's certificate: "kubectl skupper link check" from a linked site shows the same step`));
  }
  return checks;
}

export async function checkCertificates(client: KubeClient, site: Site, clock: Clock, where: Where): Promise<Check[]> {
  const namespace = site.metadata.namespace ?? client.namespace;
  const caName = issuerOf(site);
  const names = [caName, ...(site.spec.linkAccess && site.spec.linkAccess !== 'none' ? [SERVER_SECRET] : [])];
  const secrets = await Promise.all(names.map((n) => client.find(SECRETS, n, namespace).then((s) => ({ s }), (err: unknown) => ({ err }))));
  const caSecret = 's' in secrets[0]! ? secrets[0].s : undefined;
  const caCert = secretText(caSecret, 'tls.crt') || undefined;
  return names.map((name, i) => {
    const id = `certificate/${name}`;
    const title = i === 0 ? 'Site CA' : 'Server certificate';
    const result = secrets[i]!;
    if ('err' in result) return cannotTell(id, title, result.err);
    const pem = secretText(result.s, 'tls.crt') || undefined;
    const renew = `the Skupper controller issues a new one when the Secret is gone: "kubectl delete secret ${name}${flagsFor(where)}"`;
    if (!pem) return fail(id, title, `Secret "${name}" ${result.s ? 'has no tls.crt' : 'does not exist'}`, 'check that the Skupper controller runs in this namespace');
    let cert;
    try {
      cert = describeCertificate(pem);
    } catch (err) {
      return fail(id, title, `Secret "${name}" holds no readable certificate: ${(err as Error).message}`, renew);
    }
    const now = clock.now();
    const days = Math.floor((cert.notAfter.getTime() - now) / DAY_MS);
    const until = cert.notAfter.toISOString().slice(0, 10);
    if (cert.notBefore.getTime() > now) return fail(id, title, `Secret "${name}": not valid until ${cert.notBefore.toISOString()} (this machine's clock may be behind)`, 'check the clocks (see the clock check)');
    if (cert.notAfter.getTime() <= now) return fail(id, title, `Secret "${name}": expired on ${until}`, i === 0 ? `a new site CA means new link credentials for every linked site: ${renew}, then re-link` : renew);
    if (i > 0 && caCert && !verifySignedBy(pem, caCert)) return fail(id, title, `Secret "${name}" is not signed by the site CA "${caName}": linking sites will not trust it`, renew);
    if (days < EXPIRY_WARNING_DAYS) return warn(id, title, `Secret "${name}": expires on ${until}, in ${days} days`, renew);
    return pass(id, title, `Secret "${name}": valid until ${until} (${days} days left)`);
  });
}
