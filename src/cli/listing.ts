// Checks shared by the listing commands' kubectl flags (-A, -l), before any request.
import { usageError } from '../errors.js';

export function listingFlags(name: string | undefined, allNamespaces: boolean, selector: string | undefined): void {
  if (name !== undefined && allNamespaces) throw usageError('a name and -A/--all-namespaces cannot be used together: a name is looked up in one namespace');
  if (name !== undefined && selector !== undefined) throw usageError('a name and -l/--selector cannot be used together');
  if (selector !== undefined && selector.trim() === '') throw usageError('-l/--selector is empty: give a label selector such as env=prod');
}
