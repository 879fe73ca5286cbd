// --dry-run=none|client|server, as kubectl reads it: client sends no change at all; server sends
// it with dryRun=All, so the API server validates it (schema, admission, RBAC) and stores nothing.
import { usageError } from '../errors.js';

export type DryRun = 'client' | 'server' | undefined;

export const DRY_RUN_HELP = 'none (default), client (send no change) or server (the API server checks the change and stores nothing)';

export function parseDryRun(value: string | undefined): DryRun {
  if (value === undefined || value === 'none') return undefined;
  if (value === 'client' || value === 'server') return value;
  throw usageError(`invalid --dry-run "${value}": use none, client or server`);
}

/** The suffix of a dry run's message. */
export function dryRunNote(dryRun: DryRun): string {
  return dryRun ? ` (${dryRun} dry run: nothing was changed)` : '';
}
