import { usageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Parses a Go-style duration ("30s", "2m", "1h30m", "500ms") into milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  const value = text.trim();
  if (value === '0') return 0;
  if (!DURATION.test(value)) {
    throw usageError(`invalid ${flag} "${text}": use a duration such as 30s, 2m or 1h30m`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNITS[unit!]!;
  // Digits without end would make Infinity, which no timer or expiry can hold.
  if (!Number.isSafeInteger(Math.round(total))) throw usageError(`invalid ${flag} "${text.length > 40 ? `${text.slice(0, 40)}...` : text}": the duration is too long; use at most a few thousand hours`);
  return Math.round(total);
}

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
