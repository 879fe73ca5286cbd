// The base of every command. It owns the error path (clipanion would print errors to stdout and
// could exit 0): a SkupperError becomes one line on stderr and its exit code; anything else is a
// bug and says so.
import type { Readable, Writable } from 'node:stream';
import { Command, Option } from 'clipanion';
import { SkupperError, usageError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import type { ConnectionSettings } from '../kube/connect.js';
import { formatDuration, MAX_DURATION_TEXT, parseDuration } from '../duration.js';
import { style } from './style.js';

export interface CliContext {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  colorDepth: number;
  /** True when stderr is a terminal: progress messages go there only then. */
  interactive: boolean;
}

export abstract class BaseCommand extends Command<CliContext> {
  abstract run(): Promise<number | void>;

  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0;
    } catch (err) {
      return reportError(err, this.context);
    }
  }

  /** Writes data (the command's result) to stdout. */
  out(text: string): void {
    this.context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Progress for people watching a terminal; silent when piped. */
  progress(text: string): void {
    if (this.context.interactive) this.context.stderr.write(`${style(this.context).dim(text)}\n`);
  }
}

export function reportError(err: unknown, context: Pick<CliContext, 'stderr' | 'env' | 'colorDepth'>): number {
  const s = style(context);
  if (err instanceof SkupperError) {
    context.stderr.write(`${s.red('error:')} ${err.message}\n`);
    if (context.env.KUBECTL_SKUPPER_DEBUG && err.cause) context.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  const error = err as Error;
  context.stderr.write(`${s.red('error:')} unexpected failure: ${error?.message ?? String(err)}\n`);
  if (context.env.KUBECTL_SKUPPER_DEBUG) context.stderr.write(`${error?.stack ?? ''}\n`);
  return 1;
}

/** ClusterCommand's field for each of kubectl's connection flags, by the flag's long name, and its kind. */
export const CONNECTION_FLAGS: Readonly<Record<string, { field: string; kind: 'value' | 'boolean' | 'repeated' }>> = {
  '--kubeconfig': { field: 'kubeconfig', kind: 'value' },
  '--context': { field: 'kubeContext', kind: 'value' },
  '--namespace': { field: 'namespace', kind: 'value' },
  '--server': { field: 'server', kind: 'value' },
  '--cluster': { field: 'kubeCluster', kind: 'value' },
  '--user': { field: 'kubeUser', kind: 'value' },
  '--token': { field: 'token', kind: 'value' },
  '--certificate-authority': { field: 'certificateAuthority', kind: 'value' },
  '--insecure-skip-tls-verify': { field: 'insecureSkipTlsVerify', kind: 'boolean' },
  '--as': { field: 'as', kind: 'value' },
  '--as-group': { field: 'asGroup', kind: 'repeated' },
  '--request-timeout': { field: 'requestTimeout', kind: 'value' },
  '--v': { field: 'verbosity', kind: 'value' },
};

let declaring = true;

/**
 * Builds with or without kubectl's connection flags declared to clipanion. Clipanion's parser grows
 * with the square of a command's options (site status: 109 states and 1,858 transitions with the 13
 * connection flags, 37 and 293 without; several MiB and milliseconds at every start), so run.ts
 * declares them for help, completion and its own argv pass, which reads them as kubectl does, and
 * hands their values to a command parsed without them.
 */
export function withConnectionFlags<T>(declared: boolean, build: () => T): T {
  const was = declaring;
  declaring = declared;
  try {
    return build();
  } finally {
    declaring = was;
  }
}

function connectionFlag<T>(option: T): T {
  return declaring ? option : (undefined as T);
}

/** Commands that reach a cluster: kubectl's connection flags, parsed by us (kubectl passes none). */
export abstract class ClusterCommand extends BaseCommand {
  kubeconfig = connectionFlag(Option.String('--kubeconfig', { description: 'Path to the kubeconfig file to use' }));
  kubeContext = connectionFlag(Option.String('--context', { description: 'The kubeconfig context to use' }));
  namespace = connectionFlag(Option.String('-n,--namespace', { description: 'The namespace of the site (default: the context\'s namespace, else "default")' }));
  timeout = Option.String('--timeout', { description: timeoutHelp(defaultTimeoutOf(this)) });
  // kubectl's client flags (kubectl passes none of them to plugins).
  server = connectionFlag(Option.String('-s,--server', { description: 'The address and port of the Kubernetes API server' }));
  kubeCluster = connectionFlag(Option.String('--cluster', { description: 'The name of the kubeconfig cluster to use' }));
  kubeUser = connectionFlag(Option.String('--user', { description: 'The name of the kubeconfig user to use' }));
  token = connectionFlag(Option.String('--token', { description: 'Bearer token for authentication to the API server' }));
  certificateAuthority = connectionFlag(Option.String('--certificate-authority', { description: 'Path to a cert file for the certificate authority' }));
  // A string that tolerates no value, so that kubectl's --insecure-skip-tls-verify=true|false parse too.
  insecureSkipTlsVerify = connectionFlag(Option.String('--insecure-skip-tls-verify', { tolerateBoolean: true, description: "If true, the server's certificate will not be checked for validity (insecure) (default false)" }));
  as = connectionFlag(Option.String('--as', { description: 'Username to impersonate for the operation' }));
  asGroup = connectionFlag(Option.Array('--as-group', { description: 'Group to impersonate for the operation, repeat for several groups' }));
  requestTimeout = connectionFlag(Option.String('--request-timeout', { description: 'How long to wait for one server request (e.g. 1s, 2m; a bare number is seconds; 0: no limit) (default 0)' }));
  verbosity = connectionFlag(Option.String('-v,--v', { description: 'Log level: 6 logs each API request, 7 its headers (credentials masked), 8 the response headers (default 0)' }));

  /** The default for --timeout, per command (a static, so that the help text can show it). */
  static defaultTimeout = '30s';

  /** The --timeout in milliseconds: 0 means check once and do not wait; at most MAX_DURATION_MS. */
  timeoutMs(): number {
    return parseDuration(this.timeout ?? defaultTimeoutOf(this), '--timeout');
  }

  /**
   * True for a command that runs until stopped (grant-server, -w): it has no command-wide deadline,
   * only a bound on each request (--request-timeout, default 30 s), so it keeps working for weeks.
   */
  longRunning(): boolean {
    return false;
  }

  /** The connection flags as settings for connect(); commands that reach several contexts add their own. */
  connectionSettings(): ConnectionSettings {
    const longRunning = this.longRunning();
    const timeoutMs = longRunning ? 0 : this.timeoutMs();
    // --timeout 0 checks once without waiting; its requests still end, after 30 s, unless
    // --request-timeout says otherwise. So do those of a long-running command (no deadline).
    const requestTimeoutMs = parseRequestTimeout(this.requestTimeout) ?? (timeoutMs === 0 ? 30_000 : undefined);
    const stderr = this.context.stderr;
    return {
      kubeconfig: this.kubeconfig,
      context: this.kubeContext,
      namespace: this.namespace,
      env: this.context.env,
      overrides: {
        cluster: this.kubeCluster,
        user: this.kubeUser,
        server: this.server,
        token: this.token,
        certificateAuthority: this.certificateAuthority,
        insecureSkipTlsVerify: parseBool(this.insecureSkipTlsVerify, '--insecure-skip-tls-verify'),
        as: this.as,
      },
      asGroups: this.asGroup,
      // Every request ends by the command's deadline (--timeout; 0 or long-running: none) and by --request-timeout.
      limits: {
        deadline: timeoutMs > 0 ? Date.now() + timeoutMs : undefined,
        deadlineLabel: `${formatDuration(timeoutMs)} (--timeout)`,
        requestTimeoutMs,
      },
      verbosity: parseVerbosity(this.verbosity),
      log: (line) => stderr.write(`${line}\n`),
    };
  }

  async client(): Promise<KubeClient> {
    const { connect } = await import('../kube/connect.js');
    return connect(this.connectionSettings());
  }
}

/** kubectl's --request-timeout: a duration, or a bare number of seconds; 0 means no limit. */
function parseRequestTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value, '--request-timeout');
  return ms > 0 ? ms : undefined;
}

function parseBool(value: string | boolean | undefined, flag: string): boolean {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw usageError(`invalid ${flag}="${value}": use true or false`);
}

function parseVerbosity(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value.trim())) throw usageError(`invalid -v "${value}": use a log level from 0 to 10`);
  return Number(value);
}

function defaultTimeoutOf(command: ClusterCommand): string {
  return (command.constructor as { defaultTimeout?: string }).defaultTimeout ?? '30s';
}

function timeoutHelp(defaultValue: string): string {
  return `How long to wait, as a duration (e.g. 30s, 2m; at most ${MAX_DURATION_TEXT}); 0 checks once without waiting (default ${defaultValue})`;
}
