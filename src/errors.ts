// One error type for everything the plugin reports to a person. `code` is stable (tests and
// JSON consumers match on it); the message is one line that says what is wrong and what to do.

export type ErrorCode =
  | 'USAGE' // bad flags or arguments
  | 'INPUT' // a file or value given by the user is unusable
  | 'CONFIG' // no usable kubeconfig
  | 'UNREACHABLE' // the API server cannot be reached
  | 'UNAUTHORIZED' // 401
  | 'FORBIDDEN' // 403
  | 'NOT_FOUND' // 404 of an object
  | 'CRDS_MISSING' // Skupper v2 is not installed
  | 'CONFLICT' // 409
  | 'INVALID' // 422
  | 'TIMEOUT' // a wait or request ran out of time
  | 'NOT_READY' // the cluster state does not allow the operation yet
  | 'IO' // a local file could not be written for a reason other than its name (disk full, I/O error)
  | 'API' // any other API failure
  | 'TOKEN_EXPIRED' // a token past its expiry
  | 'TOKEN_USED_UP' // a token whose redemptions are all made
  | 'TOKEN_REFUSED' // a grant server refused a token, or answered with something we refuse
  | 'TEMPLATE'; // an -o jsonpath template kubectl would refuse: exit 1, as kubectl

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['USAGE', 'INPUT']);

export class SkupperError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SkupperError';
    this.code = code;
  }

  /** 2 for bad usage or input, 1 for an operation that failed. */
  get exitCode(): number {
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }
}

export function usageError(message: string): SkupperError {
  return new SkupperError('USAGE', message);
}

export function inputError(message: string): SkupperError {
  return new SkupperError('INPUT', message);
}
