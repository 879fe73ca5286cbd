// How to read a Skupper v2 status honestly: a condition counts only if it was observed at the
// object's current generation, so a Ready left over from before an update is not success.
import type { Condition, SkupperStatus } from '../kube/resources.js';

export interface Observed {
  metadata: { generation?: number };
  status?: SkupperStatus;
}

export function currentCondition(object: Observed, type: string): Condition | undefined {
  const generation = object.metadata.generation ?? 0;
  const condition = object.status?.conditions?.find((c) => c.type === type);
  if (!condition) return undefined;
  // Controllers that do not set observedGeneration cannot be checked; trust them.
  if (condition.observedGeneration !== undefined && condition.observedGeneration < generation) return undefined;
  return condition;
}

/** True when every named condition is True at the current generation. */
export function conditionsTrue(object: Observed, types: string[]): boolean {
  return types.every((t) => currentCondition(object, t)?.status === 'True');
}

/**
 * Ready at the current generation. The upstream controller recomputes its `Ready` condition from
 * the required ones whenever it observes a new generation, but Running (router Pod events) and
 * Operational (router network status) keep the generation of the event that set them, so after an
 * update only Ready speaks for the current generation. Without a Ready condition (older
 * controllers) every required condition must be True at the current generation.
 */
export function isReady(object: Observed, required: string[]): boolean {
  if (object.status?.conditions?.some((c) => c.type === 'Ready')) return currentCondition(object, 'Ready')?.status === 'True';
  return conditionsTrue(object, required);
}

/** An Error condition at the current generation, if any (a wait gives up on it once it stands: FAILURE_SETTLE_MS). */
export function currentError(object: Observed): string | undefined {
  const failed = object.status?.conditions?.find(
    (c) => c.status === 'False' && c.reason === 'Error' && (c.observedGeneration === undefined || c.observedGeneration >= (object.metadata.generation ?? 0)),
  );
  return failed ? failed.message || object.status?.message || 'Error' : undefined;
}

/** The status message, or an explanation of why there is none. */
export function statusMessage(object: Observed): string {
  if (!object.status?.status && !object.status?.conditions?.length) return 'no status yet: is the Skupper controller running in this namespace?';
  return object.status?.message || object.status?.status || '';
}
