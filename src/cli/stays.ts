// A wait that failed after its change was made: the change stays (as upstream's CLI leaves it),
// and the message says what is in the cluster now and the commands that inspect or remove it.
import { SkupperError } from '../errors.js';

/** The failure, with what stays appended: "<failure>; <what stays and how to see it>". */
export function stays(err: unknown, standing: string): unknown {
  if (!(err instanceof SkupperError)) return err;
  return new SkupperError(err.code, `${err.message.replace(/[.\s]+$/, '')}; ${standing}`, { cause: err.cause ?? err });
}
