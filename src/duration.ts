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
  return Math.round(total);
}

/** Formats milliseconds the way Go prints durations, e.g. 15m0s, 1h0m0s, 30s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
