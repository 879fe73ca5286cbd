// link generate --via-controller: the site's controller signs the link credentials, as upstream's
// CLI has it do: a Certificate resource (client, from the site's CA) that the controller turns
// into a Secret of the same name, awaited by watch. The user never reads the CA's private key.
import { inputError, SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { CERTIFICATES, SECRETS, SKUPPER_API_VERSION, type Certificate, type Link, type Secret } from '../kube/resources.js';
import { waitFor } from '../kube/wait.js';
import { formatDuration } from '../duration.js';
import { resolveSite } from '../site/sites.js';
import { issuerOf } from './credentials.js';
import { linkManifests, requireLinkAccess } from './manifests.js';
import type { GenerateOptions } from './links.js';
import { Operation } from '../operation.js';

const complete = (s: Secret | undefined) => Boolean(s?.data?.['tls.crt'] && s.data['tls.key'] && s.data['ca.crt']);

/** The annotation Skupper's controller puts on the Secrets it issues from Certificates. */
const CONTROLLED = 'internal.skupper.io/controlled';
/** How long taking a request back looks for a Secret the controller was still writing: 2 s. */
const UNDO_POLLS = 10;
const UNDO_POLL_MS = 200;

/** `op` records the Certificate asked for: committed once the Secret is issued; the caller ends it with done(), or undo() if it cannot deliver the manifest. */
export async function generateLinksViaController(client: KubeClient, opts: GenerateOptions & { timeoutMs: number; op?: Operation }): Promise<(Secret | Link)[]> {
  const site = await resolveSite(client, opts.site, client.namespace, { flag: '--site <name>' });
  requireLinkAccess(site, client.flags);
  const name = opts.tlsCredentials ?? `link-${site.metadata.name}`;
  const links = linkManifests(site, { name: opts.name, tlsCredentials: name, cost: opts.cost });
  // A Secret of that name that the controller did not make: the controller will not sign over it,
  // and deleting our Certificate later would make it delete that Secret (upstream deletes the
  // Secret named like a deleted Certificate). Refuse before asking for anything.
  const existing = await client.find(SECRETS, name);
  if (existing && existing.metadata.annotations?.[CONTROLLED] !== 'true' && !existing.metadata.ownerReferences?.some((r) => r.kind === 'Certificate')) {
    throw inputError(`Secret "${name}" already exists in namespace "${client.namespace}" and was not made by the Skupper controller, which will not sign over it: name the credentials otherwise with --tls-credentials, or delete that Secret`);
  }
  // A Certificate of that name already asked for (by us or upstream's CLI) is reused, as upstream does.
  const made = (await client.find(CERTIFICATES, name)) === undefined;
  // Taking the request back removes the Certificate and any Secret the controller already issued
  // from it (a cluster without garbage collection would keep that key), never a Secret of the user's.
  // The controller may be signing at that very moment and write the Secret just after: look for
  // it a little while.
  const undo = async () => {
    if (!made) return;
    await client.delete(CERTIFICATES, name, client.namespace, { cleanup: true });
    for (let i = 0; i < UNDO_POLLS; i++) {
      const issued = await client.find(SECRETS, name);
      if (issued?.metadata.annotations?.[CONTROLLED] === 'true') {
        await client.delete(SECRETS, name, client.namespace, { cleanup: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, UNDO_POLL_MS));
    }
  };
  const op = opts.op ?? new Operation();
  const seen = await op.run(async () => {
    if (made) {
      const certificate: Certificate = { apiVersion: SKUPPER_API_VERSION, kind: 'Certificate', metadata: { name }, spec: { ca: issuerOf(site), subject: name, client: true } };
      await op.create(() => client.create(CERTIFICATES, certificate), undo);
    }
    const issued = await waitFor(client, {
      type: SECRETS,
      namespace: client.namespace,
      name,
      timeoutMs: opts.timeoutMs,
      done: (objects) => complete(objects.get(name)),
      describeTimeout: () => `the site's controller did not make Secret "${name}" from Certificate "${name}" within ${formatDuration(opts.timeoutMs)}${made ? ' (the Certificate was deleted)' : ''}: check that the Skupper controller runs in namespace "${client.namespace}", or generate without --via-controller if you may read the site CA`,
    });
    // Signed: from here a signal lets the command deliver the manifest.
    op.commit();
    return issued;
  });
  const data = seen.get(name)!.data!;
  if (!complete(seen.get(name))) throw new SkupperError('NOT_READY', `Secret "${name}" lacks tls.crt, tls.key or ca.crt`);
  const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'kubernetes.io/tls', data: { 'ca.crt': data['ca.crt']!, 'tls.crt': data['tls.crt']!, 'tls.key': data['tls.key']! } };
  return [secret, ...links];
}
