// One line of the doctor's checklist. pass and fail are verdicts; warn is a doubt (something
// optional is missing, or the doctor cannot tell); skip means an earlier failure makes it moot.
import { renderTargetFlags } from '../kube/target-flags.js';
import { SkupperError } from '../errors.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable, for scripts: crds, controller, site, link-access, endpoint/<role>, certificate/<secret>, link/<name>, services, listener/<name>, connector/<name>, grant-server, clock, permissions/<task>. */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do, when it did not pass. */
  fix?: string;
}

export const pass = (id: string, title: string, detail: string): Check => ({ id, title, status: 'pass', detail });
export const fail = (id: string, title: string, detail: string, fix: string): Check => ({ id, title, status: 'fail', detail, fix });
export const warn = (id: string, title: string, detail: string, fix?: string): Check => ({ id, title, status: 'warn', detail, ...(fix ? { fix } : {}) });
export const skip = (id: string, title: string, detail: string): Check => ({ id, title, status: 'skip', detail });

/** The doctor's own clock: this machine's, shifted by an offset that tests inject. */
export interface Clock {
  now(): number;
  offsetMs: number;
}

/** A check that could not be made because the API refused or failed: a doubt, not a verdict. */
export function cannotTell(id: string, title: string, err: unknown): Check {
  if (err instanceof SkupperError) return warn(id, title, `cannot tell: ${err.message}`);
  throw err;
}

/** Where the doctor looks, to complete the commands it suggests. */
export interface Where {
  kubeconfig?: string;
  context?: string;
  namespace: string;
}

/** " --kubeconfig K --context C -n NS" (those given; -n always), to append to a suggested command. */
export function flagsFor(where: Where, withContext = true): string {
  return renderTargetFlags({ kubeconfig: where.kubeconfig, context: withContext ? where.context : undefined, namespace: where.namespace });
}
