// Builds the CLI and runs one invocation. Parsing errors are ours to report: one line on stderr
// and exit code 2 (clipanion alone would print a multi-line message on stdout).
import { basename } from 'node:path';
import { Builtins, Cli, UsageError, type CommandClass } from 'clipanion';
import { ClusterCommand, CONNECTION_FLAGS, reportError, withConnectionFlags, type CliContext } from './base-command.js';
import { SkupperError, usageError } from '../errors.js';
import { commandSpecs, findCommand, normalizeArgv, takeFlags } from './argv.js';
import { helpText } from './help.js';
import { commands } from '../commands/index.js';
import { RootCommand } from '../commands/root.js';
import { buildInfo } from '../build-info.js';
import { overview } from './overview.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { forgetUndos, onInterruptSay } from '../interrupt.js';

export function binaryName(argv0: string | undefined): string {
  const name = basename(argv0 ?? 'kubectl-skupper').replace(/\.(mjs|js|ts|exe)$/, '');
  // kubectl finds us as kubectl-skupper; people type "kubectl skupper".
  if (name.startsWith('kubectl-') || name === 'main') return 'kubectl skupper';
  return name;
}

/**
 * Only the commands an invocation can reach: clipanion builds a parser state machine for every
 * registered command on each run, which costs more start-up time than anything else.
 */
export function reachableCommands(argv: string[]): typeof commands {
  // `group verb ...` names one command: its machine alone (measured: clipanion's process() 0.55x of
  // the whole group's on a cold start).
  const [w1, w2] = argv;
  const exact = w1 && w2 ? commands.find((c) => c.paths?.some((p) => p.length === 2 && p[0] === w1 && p[1] === w2)) : undefined;
  if (exact) return [exact];
  const first = argv.find((a) => !a.startsWith('-'));
  const group = commands.filter((c) => c.paths?.some((p) => p[0] === first));
  return first && group.length > 0 ? [RootCommand, ...group] : commands;
}

export function buildCli(name = 'kubectl skupper', selected: readonly unknown[] = commands): Cli<CliContext> {
  const cli = new Cli<CliContext>({
    binaryLabel: 'kubectl-skupper: link Kubernetes sites into a Skupper application network',
    binaryName: name,
    binaryVersion: buildInfo.version,
    enableCapture: false,
  });
  cli.register(Builtins.HelpCommand);
  for (const command of selected) cli.register(command as CommandClass<CliContext>);
  return cli;
}

async function runComplete(args: string[], context: CliContext): Promise<number> {
  try {
    const { complete } = await import('./complete.js');
    const { candidates, directive } = await complete(args, context.env, buildCli());
    context.stdout.write(candidates.map((c) => `${c}\n`).join('') + `:${directive}\n`);
    return 0;
  } catch (err) {
    return reportError(err, context);
  }
}

export async function runCli(rawArgv: string[], context: CliContext, argv0?: string): Promise<number> {
  // `help <command>` is `<command> --help`; `--version` is `version`, as in kubectl and cobra.
  let argv = rawArgv[0] === 'help' ? [...rawArgv.slice(1), ...(rawArgv.length > 1 ? ['--help'] : [])] : rawArgv;
  if (argv.length === 1 && argv[0] === '--version') argv = ['version'];
  // The shell scripts' hidden `__complete`: everything after it, flags included, is the line being
  // completed. Served here, where the commands are known, so that completion never imports us back.
  if (argv[0] === '__complete') return runComplete(argv.slice(1), context);
  if (argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    context.stdout.write(overview(commands, binaryName(argv0), buildInfo.version, context));
    return 0;
  }
  const selected = reachableCommands(argv);
  const cli = buildCli(binaryName(argv0), selected);
  let command;
  try {
    const specs = commandSpecs(cli.definitions(), cli.binaryName);
    argv = normalizeArgv(argv, specs, cli.binaryName);
    // kubectl's connection flags are read here; clipanion parses the rest (see withConnectionFlags).
    const path = findCommand(argv, specs)?.path.join(' ');
    const target = selected.find((c) => c.paths?.some((p) => p.join(' ') === path));
    const taken = target?.prototype instanceof ClusterCommand ? takeFlags(argv, CONNECTION_FLAGS) : undefined;
    if (taken) {
      command = withConnectionFlags(false, () => buildCli(cli.binaryName, selected).process(taken.rest, context));
      Object.assign(command, taken.values);
    } else command = cli.process(argv, context);
  } catch (err) {
    if (err instanceof SkupperError) return reportError(err, context);
    return reportError(usageError(describeParseError(err, argv, cli)), context);
  }
  const colored = context.colorDepth > 1 && !context.env.NO_COLOR;
  // clipanion's run() would do what follows, but with its error path; we keep ours.
  if (command.help) {
    context.stdout.write(helpText(cli.usage(command, { colored, detailed: true })));
    return 0;
  }
  command.cli = {
    binaryLabel: cli.binaryLabel,
    binaryName: cli.binaryName,
    binaryVersion: cli.binaryVersion,
    enableCapture: false,
    enableColors: colored,
    definitions: () => cli.definitions(),
    error: (error, opts) => cli.error(error, opts),
    format: (c) => cli.format(c),
    process: (input, sub) => cli.process(input, { ...context, ...sub }),
    run: (input, sub) => cli.run(input, { ...context, ...sub }),
    usage: (cmd, opts) => helpText(cli.usage(cmd, { colored, ...opts })),
  };
  onInterruptSay(undefined); // nothing of an earlier command in this process stands for this one
  try {
    const code = await command.validateAndExecute();
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    // Option validators and static schemas throw UsageError before execute() runs.
    if (err instanceof UsageError) return reportError(usageError(oneLine(err.message)), context);
    return reportError(err, context);
  } finally {
    forgetUndos();
  }
}

/** Turns clipanion's parse failure into one line that says what is wrong and where to look. */
function describeParseError(err: unknown, argv: string[], cli: Cli<CliContext>): string {
  const name = cli.binaryName;
  const paths = cli.definitions().map((d) => d.path.split(' ').slice(name.split(' ').length));
  const words = argv.filter((a) => !a.startsWith('-'));
  const matched = paths
    .filter((p) => p.length > 0 && p.every((w, i) => words[i] === w))
    .sort((a, b) => b.length - a.length)[0];
  const isGroup = (p: string[] | undefined) => p?.length === 1 && paths.some((q) => q.length > 1 && q[0] === p[0]);
  if (!matched || (isGroup(matched) && words.length > 1)) {
    const group = paths.find((p) => p.length > 1 && p[0] === words[0]);
    if (group && words[0]) {
      const verbs = paths.filter((p) => p[0] === words[0] && p.length > 1).map((p) => p.slice(1).join(' '));
      return `unknown command "${words.slice(0, 2).join(' ')}": "${name} ${words[0]}" has ${[...new Set(verbs)].join(', ')}`;
    }
    const flag = argv.find((a) => a.startsWith('-'));
    if (words.length === 0 && flag) return `unknown flag "${flag}": see "${name} --help"`;
    return `unknown command "${words[0] ?? ''}": see "${name} --help" for the commands`;
  }
  const commandLine = `${name} ${matched.join(' ')}`;
  const reason = extractReason(err);
  const option = reason?.match(/Unsupported option name \("([^"]+)"\)/)?.[1];
  if (option) return `unknown flag "${option}" for "${commandLine}": see "${commandLine} --help"`;
  if (reason && /Extraneous positional/.test(reason)) return `too many arguments for "${commandLine}": see "${commandLine} --help"`;
  if (reason && /Not enough positional/.test(reason)) return `missing argument for "${commandLine}": see "${commandLine} --help"`;
  if (reason && /Missing required option/i.test(reason)) return `${reason.replace(/\.$/, '')} for "${commandLine}"`;
  const missingValue = argv.find((a, i) => a.startsWith('-') && i === argv.length - 1);
  if (missingValue) return `flag "${missingValue}" of "${commandLine}" needs a value: see "${commandLine} --help"`;
  return `invalid arguments for "${commandLine}"${reason ? ` (${reason})` : ''}: see "${commandLine} --help"`;
}

function extractReason(err: unknown): string | undefined {
  const candidates = (err as { candidates?: { reason: string | null }[] }).candidates ?? [];
  return candidates.map((c) => c.reason).find((r): r is string => Boolean(r)) ?? undefined;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs the CLI on this process's argv, streams and environment, and sets the exit code. */
export async function runFromProcess(): Promise<void> {
  // One ending: a second Ctrl-C while an undo or a finishing operation runs must not exit before it is through.
  let ending = false;
  const end = (code: number, say: boolean) =>
    void import('../interrupt.js').then(async ({ interruptNote, undoAll, whenReleased }) => {
      // Past a point of no return the operation finishes first (see operation.ts).
      await whenReleased();
      const note = interruptNote();
      const undone = await undoAll();
      if (say && note) process.stderr.write(`interrupted: ${note}\n`);
      else if (say && undone > 0) process.stderr.write('interrupted: what the command had made so far was taken back; nothing stays\n');
      process.exit(code);
    });
  // A reader that went away (`| head -1`, `| true`) ends us quietly, as it ends kubectl; an
  // operation under way is taken back or finished first, as on a signal, without a word.
  endQuietlyOnClosedPipe(process, (code) => {
    if (ending) return;
    ending = true;
    end(code, false);
  });
  // Ctrl-C or SIGTERM: take back what the operation made so far, then end as a signal would. A
  // command that handles the signal itself (grant-server, --watch) and holds nothing keeps it.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      // Counted now: a command's once-listener removes itself before our import below settles.
      const handledElsewhere = process.listenerCount(signal) > 1;
      if (ending) return;
      void import('../interrupt.js').then(({ hasPendingUndo, interruptNote, isHeld }) => {
        if (ending) return;
        if (!hasPendingUndo() && !interruptNote() && !isHeld() && handledElsewhere) return;
        ending = true;
        end(code, true);
      });
    });
  }
  process.exitCode = await runCli(
    process.argv.slice(2),
    {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      colorDepth: process.stdout.isTTY ? process.stdout.getColorDepth() : 1,
      interactive: Boolean(process.stderr.isTTY),
    },
    // bin/kubectl-skupper passes its own name; a single executable's argv[1] is itself.
    process.env.KUBECTL_SKUPPER_ARGV0 ?? process.argv[1],
  );
  // A signal held back while the command finished goes ahead now.
  (await import('../interrupt.js')).releaseAll();
}
