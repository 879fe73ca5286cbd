// Checks shared by the listing commands' kubectl flags (-A, -l), before any request.
import { usageError } from '../errors.js';

export function listingFlags(name: string | undefined, allNamespaces: boolean, selector: string | undefined): void {
  if (name !== undefined && allNamespaces) throw usageError('a name and -A/--all-namespaces cannot be used together: a name is looked up in one namespace');
  if (name !== undefined && selector !== undefined) throw usageError('a name and -l/--selector cannot be used together');
  if (selector !== undefined && selector.trim() === '') throw usageError('-l/--selector is empty: give a label selector such as env=prod');
}

/**
 * -w/--watch: prints the list, then a row for every change, until Ctrl-C (SIGINT) or SIGTERM,
 * as `kubectl get -w` does. Rows are printed in order; the header only once.
 */
export async function streamList<T>(
  write: (text: string) => void,
  follow: (signal: AbortSignal, onChanges: (objects: T[]) => void) => Promise<unknown>,
  render: (objects: T[], noHeaders: boolean) => Promise<string>,
  noHeaders: boolean,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let printed = Promise.resolve();
  let first = true;
  try {
    await follow(stop.signal, (objects) => {
      const headers = first ? noHeaders : true;
      first = false;
      if (objects.length === 0) return;
      // Render in order even though rendering is async (YAML loads lazily).
      printed = printed.then(async () => write(await render(objects, headers)));
    });
    await printed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
