// Status conditions with the upstream controller's rules (pkg/apis/skupper/v2alpha1): a condition
// keeps its lastTransitionTime unless its status flips; the aggregate status/message and the Ready
// condition come from the first required condition that is missing ("Not <Type>") or False (its
// reason and message). Test and demo only.
import type { Condition, SkupperStatus } from '../../src/kube/resources.js';

export interface ConditionState {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export const ready = (): ConditionState => ({ status: 'True', reason: 'Ready', message: 'OK' });
export const pending = (message: string): ConditionState => ({ status: 'False', reason: 'Pending', message });
export const error = (message: string): ConditionState => ({ status: 'False', reason: 'Error', message });

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Sets one condition; true when anything changed. */
export function setCondition(status: SkupperStatus, type: string, state: ConditionState, generation: number): boolean {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  if (!existing) {
    conditions.push({ type, ...state, observedGeneration: generation, lastTransitionTime: now() });
    return true;
  }
  let changed = false;
  if (existing.status !== state.status) {
    existing.status = state.status;
    existing.lastTransitionTime = now();
    changed = true;
  }
  for (const key of ['reason', 'message'] as const) {
    if (existing[key] !== state[key]) {
      existing[key] = state[key];
      changed = true;
    }
  }
  if (existing.observedGeneration !== generation) {
    existing.observedGeneration = generation;
    changed = true;
  }
  return changed;
}

/** Recomputes status, message and the Ready condition from the required conditions. */
export function setReady(status: SkupperStatus, required: string[], generation: number): boolean {
  let state = ready();
  for (const type of required) {
    const c: Condition | undefined = status.conditions?.find((x) => x.type === type);
    if (!c) {
      state = pending(`Not ${type}`);
      break;
    }
    if (c.status === 'False') {
      state = { status: 'False', reason: c.reason, message: c.message };
      break;
    }
  }
  let changed = false;
  if (status.status !== state.reason) {
    status.status = state.reason;
    changed = true;
  }
  if (status.message !== state.message) {
    status.message = state.message;
    changed = true;
  }
  return setCondition(status, 'Ready', state, generation) || changed;
}

/** Sets a condition and, when it changed, the aggregate: the controller's SetConfigured and friends. */
export function update(status: SkupperStatus, type: string, state: ConditionState, required: string[], generation: number): boolean {
  if (!setCondition(status, type, state, generation)) return false;
  setReady(status, required, generation);
  return true;
}
