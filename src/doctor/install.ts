// Is Skupper installed: the CRDs at the version we speak, and a controller that runs.
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { ACCESS_GRANTS, ACCESS_TOKENS, DEPLOYMENTS, LINKS, SITES, SKUPPER_API_VERSION, type Deployment, type ResourceType, type Site } from '../kube/resources.js';
import { cannotTell, fail, pass, warn, type Check } from './check.js';

const INSTALL = 'install Skupper v2: kubectl apply -f https://skupper.io/v2/install.yaml';

export async function checkCrds(client: KubeClient, namespace: string): Promise<Check> {
  const title = 'Skupper CRDs';
  const kinds: ResourceType[] = [SITES, LINKS, ACCESS_GRANTS, ACCESS_TOKENS];
  const results = await Promise.all(kinds.map((k) => client.list(k, namespace).then(() => undefined, (err: unknown) => err)));
  const missing = kinds.filter((_, i) => results[i] instanceof SkupperError && (results[i] as SkupperError).code === 'CRDS_MISSING').map((k) => k.kind);
  if (missing.length === kinds.length) return fail('crds', title, `the ${SKUPPER_API_VERSION} resources are not served: Skupper v2 is not installed in this cluster`, INSTALL);
  if (missing.length > 0) return fail('crds', title, `${SKUPPER_API_VERSION} lacks ${missing.join(', ')}: the CRDs are incomplete or from another Skupper version`, INSTALL);
  const other = results.find((r) => r !== undefined);
  // No answer at all: every other check would wait just as long for nothing; say so once.
  if (other instanceof SkupperError && (other.code === 'UNREACHABLE' || other.code === 'TIMEOUT')) throw other;
  if (other) return cannotTell('crds', title, other);
  return pass('crds', title, `${SKUPPER_API_VERSION} ${kinds.map((k) => k.kind).join(', ')} are served`);
}

/** Where the controller's Deployment should be: where the site says its controller is, else the usual places. */
function candidates(site: Site | undefined, namespace: string): { name: string; namespace: string }[] {
  const reported = site?.status?.controller;
  if (reported?.name && reported.namespace) return [{ name: reported.name, namespace: reported.namespace }];
  return [{ name: 'skupper-controller', namespace }, { name: 'skupper-controller', namespace: 'skupper' }];
}

export async function checkController(client: KubeClient, site: Site | undefined, namespace: string): Promise<Check> {
  const title = 'Skupper controller';
  const places = candidates(site, namespace);
  const version = site?.status?.controller?.version;
  const found: { place: (typeof places)[number]; deployment: Deployment }[] = [];
  const errors: unknown[] = [];
  await Promise.all(
    places.map((place) =>
      client.find(DEPLOYMENTS, place.name, place.namespace).then(
        (deployment) => deployment && found.push({ place, deployment }),
        (err: unknown) => errors.push(err),
      ),
    ),
  );
  const [first] = found;
  if (first) {
    const where = `Deployment ${first.place.namespace}/${first.place.name}`;
    const available = first.deployment.status?.conditions?.find((c) => c.type === 'Available');
    const ready = (first.deployment.status?.availableReplicas ?? 0) > 0 && available?.status !== 'False';
    if (ready) return pass('controller', title, `${where} is available${version ? ` (version ${version})` : ''}`);
    return fail('controller', title, `${where} has no available replica${available?.message ? `: ${available.message}` : ''}`, `see why with "kubectl describe deployment ${first.place.name}${client.flagsIn(first.place.namespace)}" and its Pods' logs`);
  }
  if (errors.length > 0 && errors.length === places.length) return cannotTell('controller', title, errors[0]);
  const looked = places.map((p) => `${p.namespace}/${p.name}`).join(' or ');
  if (version) return warn('controller', title, `cannot tell: controller ${site?.status?.controller?.namespace ?? ''}/${site?.status?.controller?.name ?? ''} (version ${version}) wrote the site's status, but no Deployment ${looked} was found (it may run outside the cluster)`);
  return warn('controller', title, `cannot tell: no Deployment ${looked} (a controller may run outside the cluster)`, site?.status?.status ? undefined : INSTALL);
}
