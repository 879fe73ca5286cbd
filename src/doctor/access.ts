// The caller's side: this machine's clock against the API server's, and what the caller may do.
import type { KubeClient } from '../kube/client.js';
import { SELF_SUBJECT_ACCESS_REVIEWS, type SelfSubjectAccessReview } from '../kube/resources.js';
import { cannotTell, fail, pass, warn, type Check, type Clock } from './check.js';

/** Beyond this, tokens may look expired (or not yet valid) on one side and not the other. */
export const MAX_CLOCK_SKEW_MS = 30_000;

export async function checkClock(client: KubeClient, clock: Clock): Promise<Check> {
  const id = 'clock';
  const title = 'Clock';
  let reading;
  try {
    reading = await client.serverClock();
  } catch (err) {
    return cannotTell(id, title, err);
  }
  if (!reading.serverDate || Number.isNaN(reading.serverDate.getTime())) return warn(id, title, 'cannot tell: the API server sent no Date header');
  // The Date header has one-second resolution and was written somewhere during the round trip.
  const local = (reading.sentAt + reading.receivedAt) / 2 + clock.offsetMs;
  const skew = local - reading.serverDate.getTime();
  const margin = 1000 + (reading.receivedAt - reading.sentAt) / 2;
  const off = Math.abs(skew) <= margin ? 0 : Math.abs(skew) - margin;
  const words = `${(Math.abs(skew) / 1000).toFixed(0)}s ${skew > 0 ? 'ahead of' : 'behind'} the API server's`;
  if (off > MAX_CLOCK_SKEW_MS) return fail(id, title, `this machine's clock is ${words}: tokens and certificates will look expired or not yet valid`, 'synchronise this machine\'s clock (NTP, e.g. "timedatectl set-ntp true"), or the API server\'s if it is the one that is wrong');
  return pass(id, title, off === 0 ? 'this machine\'s clock agrees with the API server\'s (within a second)' : `this machine's clock is ${words} (tolerated up to ${MAX_CLOCK_SKEW_MS / 1000}s)`);
}

interface Task {
  id: string;
  title: string;
  /** verb, API group, resource */
  needs: [string, string, string][];
  /** Without it the doctor itself and every status command are blind. */
  essential?: boolean;
}

const TASKS: Task[] = [
  { id: 'read', title: 'read sites and links', essential: true, needs: [['get', 'skupper.io', 'sites'], ['list', 'skupper.io', 'sites'], ['watch', 'skupper.io', 'sites'], ['list', 'skupper.io', 'links'], ['watch', 'skupper.io', 'links']] },
  { id: 'site', title: 'create, change and delete the site', needs: [['create', 'skupper.io', 'sites'], ['patch', 'skupper.io', 'sites'], ['delete', 'skupper.io', 'sites']] },
  { id: 'generate', title: 'generate links (reads the site CA)', needs: [['get', '', 'secrets']] },
  { id: 'link', title: 'link to other sites (link sites, token redeem, apply)', needs: [['create', 'skupper.io', 'links'], ['create', '', 'secrets'], ['create', 'skupper.io', 'accesstokens'], ['delete', 'skupper.io', 'links']] },
  { id: 'issue', title: 'issue tokens', needs: [['create', 'skupper.io', 'accessgrants'], ['get', 'skupper.io', 'accessgrants']] },
];

export async function checkPermissions(client: KubeClient, namespace: string): Promise<Check[]> {
  const all = [...new Set(TASKS.flatMap((t) => t.needs.map((n) => n.join('/'))))];
  let allowed: Map<string, boolean>;
  try {
    const answers = await Promise.all(
      all.map(async (key) => {
        const [verb, group, resource] = key.split('/') as [string, string, string];
        const review: SelfSubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, verb, group, resource } } };
        const answer = await client.create(SELF_SUBJECT_ACCESS_REVIEWS, review, '');
        return [key, answer.status?.allowed === true] as const;
      }),
    );
    allowed = new Map(answers);
  } catch (err) {
    return [cannotTell('permissions', 'Permissions', err)];
  }
  return TASKS.map((task) => {
    const id = `permissions/${task.id}`;
    const title = `Permissions: ${task.id}`;
    const missing = task.needs.filter((n) => !allowed.get(n.join('/'))).map(([verb, group, resource]) => `${verb} ${group ? `${resource}.${group}` : resource}`);
    if (missing.length === 0) return pass(id, title, `you may ${task.title} in namespace "${namespace}"`);
    const fix = `ask your cluster admin for a Role in namespace "${namespace}" that grants: ${missing.join(', ')}`;
    const detail = `you may not ${task.title} in namespace "${namespace}": missing ${missing.join(', ')}`;
    return task.essential ? fail(id, title, detail, fix) : warn(id, title, detail, fix);
  });
}
