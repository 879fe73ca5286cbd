// An operation that makes several objects: either all of them stand or none does. Every create
// goes through it, so that an undo (on a failure or a signal) first waits for the creates still in
// flight and then deletes what was made, newest first. Past its commit point (a token's use spent)
// an operation is finished rather than undone: a signal then waits for it (see interrupt.ts).
import { SkupperError } from './errors.js';
import { holdInterrupts, onInterrupt, onInterruptSay } from './interrupt.js';

/** Answers that say the API server made nothing; any other failure (a timeout, a cut connection) may have made the object. */
const MADE_NOTHING = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'INVALID', 'CRDS_MISSING', 'USAGE', 'INPUT']);

export class Operation {
  private readonly undos: (() => Promise<unknown>)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private state: 'open' | 'undone' | 'committed' | 'done' = 'open';
  private readonly unregister: () => void;
  private release: (() => void) | undefined;

  constructor() {
    // A signal past the commit point does not undo: the operation finishes (interrupt.ts holds the signal).
    this.unregister = onInterrupt(() => (this.state === 'open' ? this.undo() : undefined));
  }

  /**
   * Sends one create. Its undo is recorded as soon as the answer is in (or lost), before the
   * caller hears of it; a create the API server refused outright made nothing and is not undone.
   */
  async create<T>(send: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
    this.refuseIfUndone();
    const request = send();
    const recorded = request.then(
      () => void this.undos.push(undo),
      (err: unknown) => {
        if (!(err instanceof SkupperError && MADE_NOTHING.has(err.code))) this.undos.push(undo);
      },
    );
    this.inFlight.add(recorded);
    try {
      return await request;
    } finally {
      await recorded;
      this.inFlight.delete(recorded);
    }
  }

  /** The point of no return: from here a signal lets the operation finish instead of undoing it. */
  commit(): void {
    this.refuseIfUndone();
    if (this.state !== 'open') return;
    this.state = 'committed';
    this.release = holdInterrupts();
  }

  get committed(): boolean {
    return this.state === 'committed' || this.state === 'done';
  }

  /** Takes back what was made: waits for creates in flight, then deletes newest first. */
  async undo(): Promise<void> {
    if (this.state === 'undone' || this.state === 'done') return;
    this.state = 'undone';
    this.unregister();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const undo of this.undos.reverse()) await undo().catch(() => undefined);
  }

  /**
   * All of it stands (and the command has said so): a signal held back goes ahead now, and a later
   * one (e.g. during a wait for Ready) ends the command saying `standing`.
   */
  done(standing?: string): void {
    this.refuseIfUndone();
    this.state = 'done';
    this.unregister();
    onInterruptSay(standing);
    this.release?.();
  }

  /** An undo has begun (a signal): the command must not go on to make, commit or report anything. */
  private refuseIfUndone(): void {
    if (this.state === 'undone') throw new SkupperError('API', 'interrupted: what was made is being taken back');
  }

  /** Runs the making: a failure undoes what was made, then surfaces. */
  async run<T>(make: (op: Operation) => Promise<T>): Promise<T> {
    try {
      return await make(this);
    } catch (err) {
      await this.undo();
      throw err;
    }
  }
}
