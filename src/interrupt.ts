// Ctrl-C (SIGINT) or SIGTERM in the middle of an operation: what the operation made so far is
// taken back before the process ends, so an interrupted command leaves no orphan AccessGrant, no
// Secret without its Link, no half-written file. Domain code registers an undo while it holds
// half-made state; the entry point runs them on a signal. Commands that handle signals themselves
// (grant-server, --watch) register no undo and keep theirs.
type Undo = () => Promise<unknown> | unknown;

const pending = new Set<Undo>();

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

export function hasPendingUndo(): boolean {
  return pending.size > 0;
}
