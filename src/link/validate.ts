// Pure checks of link flags, done before any cluster call or output.
import { usageError } from '../errors.js';

/** The router keeps a link's cost in a 32-bit int; the CRD says integer; 0 would mean "unset". */
export const MAX_COST = 2 ** 31 - 1;

/** A cost as kubectl users type it: decimal digits only (no 1e9, 0x10, 1.0), 1 to MAX_COST. */
export function parseCost(text: string, flag = '--cost'): number {
  const cost = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(cost) || cost < 1 || cost > MAX_COST) {
    throw usageError(`invalid ${flag} "${text}": use a whole number from 1 to ${MAX_COST}`);
  }
  return cost;
}
