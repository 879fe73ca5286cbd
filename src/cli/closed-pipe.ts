// Output to a closed pipe (`kubectl skupper ... | head -1`, `| true`) ends the process quietly, as
// it ends kubectl. Node ignores SIGPIPE, so a write to a closed pipe surfaces as an EPIPE 'error'
// event on the stream, which unhandled becomes a stack trace and exit 1.

/**
 * The exit code after a closed pipe: 141, what a shell reports for kubectl (128 + SIGPIPE), which Go
 * kills when it writes to a closed stdout or stderr. So `set -o pipefail` scripts see what kubectl
 * gives them; a signal we cannot raise (Node ignores SIGPIPE) becomes its exit code.
 */
export const CLOSED_PIPE_EXIT_CODE = 141;

type Stream = NodeJS.EventEmitter & { fd?: number };

/** Ends the process with `exit` when either stream's reader has gone; other write errors get one line. */
export function endQuietlyOnClosedPipe(streams: { stdout: Stream; stderr: Stream & NodeJS.WritableStream }, exit: (code: number) => void): void {
  const onError = (name: string) => (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return exit(CLOSED_PIPE_EXIT_CODE);
    // A full disk or a device that fails (`> /dev/full`): say so once, as kubectl does, without a stack.
    if (name !== 'stderr') {
      try {
        streams.stderr.write(`error: cannot write to ${name}: ${err.message}\n`);
      } catch {
        // stderr is gone too: nothing left to tell.
      }
    }
    exit(1);
  };
  streams.stdout.on('error', onError('stdout'));
  streams.stderr.on('error', onError('stderr'));
}
