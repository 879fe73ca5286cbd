// Checks shared by the listing commands' kubectl flags (-A, -l), before any request.
import { usageError } from '../errors.js';
import { checkLabelSelector } from './label-selector.js';

export function listingFlags(name: string | undefined, allNamespaces: boolean, selector: string | undefined): void {
  if (name !== undefined && allNamespaces) throw usageError('a name and -A/--all-namespaces cannot be used together: a name is looked up in one namespace');
  if (name !== undefined && selector !== undefined) throw usageError('a name and -l/--selector cannot be used together');
  if (selector !== undefined) checkLabelSelector(selector);
}

/**
 * -w/--watch: prints the list, then a row for every change, until Ctrl-C (SIGINT) or SIGTERM,
 * as `kubectl get -w` does. Rows are printed in order; the header only once. Returns the exit code
 * of the signal that ended it (130 or 143), as every other command ends on one.
 */
export async function streamList<T>(
  write: (text: string) => void,
  follow: (signal: AbortSignal, onChanges: (objects: T[]) => void) => Promise<unknown>,
  render: (objects: T[], noHeaders: boolean) => Promise<string>,
  noHeaders: boolean,
): Promise<number> {
  const stop = new AbortController();
  let code = 0;
  const onInterrupt = () => ((code = 130), stop.abort());
  const onTerminate = () => ((code = 143), stop.abort());
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onTerminate);
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
    return code;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  }
}
