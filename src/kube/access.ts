// What the caller may do, asked of the API server (SelfSubjectAccessReview) before an operation
// spends something that cannot be given back (a token's use) or makes what it could not take back.
import { SkupperError } from '../errors.js';
import type { KubeClient } from './client.js';
import { SELF_SUBJECT_ACCESS_REVIEWS, type SelfSubjectAccessReview } from './resources.js';

/** verb, API group ('' for the core group), resource */
export type Need = readonly [verb: string, group: string, resource: string];

export function needText([verb, group, resource]: Need): string {
  return `${verb} ${group ? `${resource}.${group}` : resource}`;
}

/**
 * The needs the caller lacks in the namespace. A review that cannot be asked (an API server
 * without the authorization API) counts as allowed: the request itself will then say.
 */
export async function missingAccess(client: KubeClient, namespace: string, needs: readonly Need[]): Promise<Need[]> {
  const answers = await Promise.all(
    needs.map(async (need) => {
      const [verb, group, resource] = need;
      const review: SelfSubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, verb, group, resource } } };
      try {
        return (await client.create(SELF_SUBJECT_ACCESS_REVIEWS, review, '')).status?.allowed !== false;
      } catch (err) {
        if (err instanceof SkupperError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'UNAUTHORIZED')) throw err;
        return true;
      }
    }),
  );
  return needs.filter((_, i) => !answers[i]);
}

/** Refuses, naming each missing verb and resource, before `what` (e.g. "redeeming the token") makes or spends anything. */
export async function requireAccess(client: KubeClient, needs: readonly Need[], what: string, nothing = 'nothing was made'): Promise<void> {
  const missing = await missingAccess(client, client.namespace, needs);
  if (missing.length === 0) return;
  const list = missing.map(needText).join(', ');
  throw new SkupperError('FORBIDDEN', `you may not ${list} in namespace "${client.namespace}", which ${what} needs (${nothing}): ask your cluster admin for a Role in namespace "${client.namespace}" that grants ${missing.length === 1 ? 'it' : 'them'}`);
}
