// The base of every command. It owns the error path (clipanion would print errors to stdout and
// could exit 0): a SkupperError becomes one line on stderr and its exit code; anything else is a
// bug and says so.
import type { Readable, Writable } from 'node:stream';
import { Command, Option } from 'clipanion';
import { SkupperError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { MAX_DURATION_TEXT, parseDuration } from '../duration.js';
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

/** Commands that reach a cluster: kubectl's connection flags, parsed by us (kubectl passes none). */
export abstract class ClusterCommand extends BaseCommand {
  kubeconfig = Option.String('--kubeconfig', { description: 'Path to the kubeconfig file to use' });
  kubeContext = Option.String('--context', { description: 'The kubeconfig context to use' });
  namespace = Option.String('-n,--namespace', { description: 'The namespace of the site (default: the context\'s namespace, else "default")' });
  timeout = Option.String('--timeout', { description: timeoutHelp(defaultTimeoutOf(this)) });

  /** The default for --timeout, per command (a static, so that the help text can show it). */
  static defaultTimeout = '30s';

  /** The --timeout in milliseconds: 0 means check once and do not wait; at most MAX_DURATION_MS. */
  timeoutMs(): number {
    return parseDuration(this.timeout ?? defaultTimeoutOf(this), '--timeout');
  }

  async client(): Promise<KubeClient> {
    const { connect } = await import('../kube/connect.js');
    const timeoutMs = this.timeoutMs();
    return connect({
      kubeconfig: this.kubeconfig,
      context: this.kubeContext,
      namespace: this.namespace,
      env: this.context.env,
      requestTimeoutMs: timeoutMs > 0 ? timeoutMs : undefined,
    });
  }
}

function defaultTimeoutOf(command: ClusterCommand): string {
  return (command.constructor as { defaultTimeout?: string }).defaultTimeout ?? '30s';
}

function timeoutHelp(defaultValue: string): string {
  return `How long to wait, as a duration (e.g. 30s, 2m; at most ${MAX_DURATION_TEXT}); 0 checks once without waiting (default ${defaultValue})`;
}
