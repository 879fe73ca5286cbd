// Ctrl-C (SIGINT) or SIGTERM in the middle of an operation: what the operation made so far is
// taken back before the process ends, so an interrupted command leaves no orphan AccessGrant, no
// Secret without its Link, no half-written file. Domain code registers an undo while it holds
// half-made state; the entry point runs them on a signal. Past an operation's point of no return
// (a token's use spent) the signal waits instead: the operation completes, then the process ends
// saying what stands. Commands that handle signals themselves (grant-server, --watch) register no
// undo and keep theirs.
type Undo = () => Promise<unknown> | unknown;

const pending = new Set<Undo>();
let holds = 0;
let released: (() => void) | undefined;
let releasedAt: Promise<void> | undefined;
let standing: string | undefined;

/** Registers an undo until the returned function is called (when the operation is complete or undone). */
export function onInterrupt(undo: Undo): () => void {
  pending.add(undo);
  return () => void pending.delete(undo);
}

/** Runs every registered undo, newest first; failures are ignored (the process is ending). */
export async function undoAll(): Promise<number> {
  const undos = [...pending].reverse();
  pending.clear();
  for (const undo of undos) await Promise.resolve().then(undo).catch(() => undefined);
  return undos.length;
}

/**
 * A command has ended: an undo still registered belongs to an operation that never made anything
 * (refused before its first create) and must not outlive it in a process that runs more commands.
 */
export function forgetUndos(): void {
  pending.clear();
}

export function hasPendingUndo(): boolean {
  return pending.size > 0;
}

/** Past a point of no return: a signal waits until the returned function is called. */
export function holdInterrupts(): () => void {
  holds++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--holds === 0) released?.();
  };
}

export function isHeld(): boolean {
  return holds > 0;
}

/** Resolves once no operation holds signals back. */
export function whenReleased(): Promise<void> {
  if (holds === 0) return Promise.resolve();
  releasedAt ??= new Promise<void>((resolve) => {
    released = () => {
      releasedAt = undefined;
      released = undefined;
      resolve();
    };
  });
  return releasedAt;
}

/** What an interrupt now leaves in place and how to see it, said when a signal ends the process (undefined: nothing stands). */
export function onInterruptSay(text: string | undefined): void {
  standing = text;
}

export function interruptNote(): string | undefined {
  return standing;
}

/** The command has ended: signals held back go ahead. */
export function releaseAll(): void {
  holds = 0;
  released?.();
}
