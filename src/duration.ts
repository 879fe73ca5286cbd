import { usageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** The longest timer Node keeps (2^31-1 ms, about 24.8 days): longer durations are refused, not cut short. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Parses a Go-style duration ("30s", "2m", "1h30m", "500ms") into milliseconds, at most MAX_DURATION_MS. */
export function parseDuration(text: string, flag = 'duration'): number {
  const value = text.trim();
  if (value === '0') return 0;
  if (value.startsWith('-')) throw usageError(`invalid ${flag} "${text}": a duration cannot be negative; use 0 to check once without waiting`);
  if (!DURATION.test(value)) {
    throw usageError(`invalid ${flag} "${text}": use a duration such as 30s, 2m or 1h30m`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNITS[unit!]!;
  if (total > MAX_DURATION_MS) throw usageError(`invalid ${flag} "${text}": the longest is ${MAX_DURATION_TEXT} (about 24.8 days)`);
  return Math.round(total);
}

export const MAX_DURATION_TEXT = '596h31m';

/** Formats milliseconds the way Go prints durations, e.g. 15m0s, 1h0m0s, 1.5s, 0s. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = `${Number(((total % 60_000) / 1000).toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}
