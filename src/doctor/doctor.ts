// The doctor: every check of one site, run concurrently where they do not depend on each other,
// reported in a fixed order. Returns data; the command prints it.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { LINKS, type Site } from '../kube/resources.js';
import { resolveSite } from '../site/sites.js';
import { checkClock, checkPermissions } from './access.js';
import { cannotTell, fail, flagsFor, skip, type Check, type Clock, type Where } from './check.js';
import { checkController, checkCrds } from './install.js';
import { checkGrantServer, checkLinks } from './links.js';
import { checkServices } from './services.js';
import { checkCertificates, checkEndpoints, checkSiteReady } from './site.js';
import { compareText } from '../compare.js';

export interface DoctorReport {
  context?: string;
  namespace: string;
  site?: string;
  /** True when no check failed (warnings and skips do not fail). */
  passed: boolean;
  checks: Check[];
}

export interface DoctorOptions {
  context?: string;
  siteName?: string;
  timeoutMs: number;
  clock: Clock;
}

export async function runDoctor(client: KubeClient, opts: DoctorOptions): Promise<DoctorReport> {
  const namespace = client.namespace;
  const where: Where = { kubeconfig: client.target.kubeconfig, context: opts.context, namespace };
  const caller = Promise.all([checkClock(client, opts.clock), checkPermissions(client, namespace)]);
  caller.catch(() => {}); // awaited below; only checkCrds's failure can leave it unawaited
  const crds = await checkCrds(client, namespace);
  let site: Site | undefined;
  let siteChecks: Check[];
  if (crds.status === 'fail') {
    siteChecks = [await checkController(client, undefined, namespace), skip('site', 'Site ready', 'needs the Skupper CRDs')];
  } else {
    let siteCheck: Check | undefined;
    try {
      site = await resolveSite(client, opts.siteName);
    } catch (err) {
      if (err instanceof SkupperError && err.code === 'NOT_FOUND') siteCheck = fail('site', 'Site ready', err.message.split(':')[0]!, `create one: "kubectl skupper site create <name>${flagsFor(where)}"`);
      else if (err instanceof SkupperError && err.code === 'USAGE') siteCheck = fail('site', 'Site ready', err.message, 'run the doctor for one site: "kubectl skupper doctor <site>"');
      else siteCheck = cannotTell('site', 'Site ready', err);
    }
    if (!site) siteChecks = [await checkController(client, undefined, namespace), siteCheck!];
    else siteChecks = await checkSite(client, site, where, opts);
  }
  const [clock, permissions] = await caller;
  const checks = [crds, ...siteChecks, clock, ...permissions];
  return { ...(opts.context ? { context: opts.context } : {}), namespace, ...(site ? { site: site.metadata.name } : {}), passed: checks.every((c) => c.status !== 'fail'), checks };
}

async function checkSite(client: KubeClient, site: Site, where: Where, opts: DoctorOptions): Promise<Check[]> {
  const namespace = where.namespace;
  const links = client.list(LINKS, namespace).then((l) => l.items.sort((a, b) => compareText(a.metadata.name, b.metadata.name)));
  const [controller, endpoints, certificates, linkChecks, services, grants] = await Promise.all([
    checkController(client, site, namespace),
    checkEndpoints(client, site, where, opts.timeoutMs),
    checkCertificates(client, site, opts.clock, where),
    links.then((l) => checkLinks(client, l, where, opts.timeoutMs), (err: unknown) => [cannotTell('links', 'Links', err)]),
    checkServices(client, where),
    checkGrantServer(client, namespace, opts.clock, where),
  ]);
  return [controller, checkSiteReady(site, where), ...endpoints, ...certificates, ...linkChecks, ...services, grants];
}

/** The doctor's clock. KUBECTL_SKUPPER_TEST_CLOCK_OFFSET (seconds, may be negative) shifts it: for tests of the clock check only. */
export function doctorClock(env: Record<string, string | undefined>): Clock {
  const raw = env.KUBECTL_SKUPPER_TEST_CLOCK_OFFSET;
  const seconds = raw && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : 0;
  const offsetMs = seconds * 1000;
  return { offsetMs, now: () => Date.now() + offsetMs };
}
