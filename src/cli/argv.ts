// Rewrites a command line the way kubectl (pflag) reads it into the form clipanion understands,
// in one linear pass: `--flag=value` and `--bool=true|false`, `-nNS` and `-n=NS`, a value that
// starts with "-" (`--timeout -1s` is a value, then validated), flags before the command words,
// and unknown `--flag=value` reported as the unknown flag it is. Too many arguments are refused
// here, before clipanion's parser, whose cost grows faster than the argument list.
import { usageError } from '../errors.js';

/** No command of ours takes more than a handful of arguments; this bounds the parser's work. */
export const MAX_ARGS = 1000;

export interface CommandSpec {
  /** The command words, e.g. ["site", "create"]. */
  path: string[];
  /** Every flag name (short and long) and whether it takes a value. */
  flags: ReadonlyMap<string, { takesValue: boolean; long: string }>;
  /** How many positional arguments the command accepts. */
  positionals: number;
}

interface Definition {
  path: string;
  usage: string;
  options: { definition: string }[];
}

/** Command specs from clipanion's definitions (the binary name is dropped from each path). */
export function commandSpecs(definitions: Definition[], binaryName: string): CommandSpec[] {
  const skip = binaryName.split(' ').length;
  return definitions.map((d) => {
    const path = d.path.split(' ').slice(skip);
    const flags = new Map<string, { takesValue: boolean; long: string }>();
    for (const o of d.options) {
      const [names, arity] = o.definition.split(' ');
      const list = names!.split(',');
      const long = list.find((n) => n.startsWith('--')) ?? list[0]!;
      for (const n of list) flags.set(n, { takesValue: arity !== undefined, long });
    }
    const words = d.usage.split(' ').slice(skip + path.length);
    const positionals = words.filter((w) => /^(<[^>-][^>]*>|\[[^\]-][^\]]*\])$/.test(w)).length;
    return { path, flags, positionals };
  });
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);
const HELP = new Set(['-h', '--help']);

/** The command a command line names: the longest path matched by its words. */
export function findCommand(argv: string[], specs: CommandSpec[]): CommandSpec | undefined {
  // Flags before the command words: skip the values of flags that take one in every command.
  const valueFlags = new Set<string>();
  const boolFlags = new Set<string>();
  for (const s of specs) for (const [n, f] of s.flags) (f.takesValue ? valueFlags : boolFlags).add(n);
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 3; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a.length > 1) {
      if (!a.includes('=') && valueFlags.has(a) && !boolFlags.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  let best: CommandSpec | undefined;
  for (const s of specs) {
    if (s.path.length > 0 && s.path.every((w, i) => words[i] === w) && (!best || s.path.length > best.path.length)) best = s;
  }
  return best;
}

/** kubectl's reading of the command line, in clipanion's form; throws a usage error for what kubectl would refuse. */
export function normalizeArgv(argv: string[], specs: CommandSpec[], binaryName: string): string[] {
  if (argv.length > MAX_ARGS) {
    throw usageError(`too many arguments (${argv.length}): a command takes at most ${MAX_ARGS}; see "${binaryName} --help"`);
  }
  const command = findCommand(argv, specs);
  if (!command) return argv;
  const commandLine = [binaryName, ...command.path].join(' ');
  const unknown = (flag: string) => usageError(`unknown flag "${flag}" for "${commandLine}": see "${commandLine} --help"`);
  const flags: string[] = [];
  const positional: string[] = [];
  let pathLeft = [...command.path];
  let dangling: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      if (pathLeft[0] === a) pathLeft = pathLeft.slice(1);
      else positional.push(a);
      continue;
    }
    if (HELP.has(a)) {
      flags.push(a);
      continue;
    }
    const long = a.startsWith('--');
    const eq = long ? a.indexOf('=') : -1;
    // -nNS and -n=NS: a short flag with its value attached.
    const name = long ? (eq >= 0 ? a.slice(0, eq) : a) : a.slice(0, 2);
    let value: string | undefined = long ? (eq >= 0 ? a.slice(eq + 1) : undefined) : a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined;
    const spec = command.flags.get(name);
    if (spec?.takesValue) {
      if (value === undefined) {
        // pflag takes the next argument as the value, whatever it looks like.
        if (i + 1 >= argv.length) {
          dangling = a; // last, so that clipanion reports its missing value
          continue;
        }
        value = argv[++i]!;
      }
      flags.push(`${spec.long}=${value}`);
      continue;
    }
    if (!long) {
      // A batch of short booleans (-Aw), or an unknown short flag: clipanion says which.
      if (/^-\d/.test(a)) throw unknown(a);
      flags.push(a);
      continue;
    }
    if (value === undefined) {
      if (!spec && !command.flags.has(`--no-${name.slice(2)}`) && !(name.startsWith('--no-') && command.flags.has(`--${name.slice(5)}`))) throw unknown(name);
      flags.push(a);
      continue;
    }
    flags.push(...booleanWithValue(name, value, command, unknown));
  }
  const isGroup = command.path.length === 1 && specs.some((s) => s.path.length > 1 && s.path[0] === command.path[0]);
  if (!isGroup && positional.length > command.positionals) {
    throw usageError(`too many arguments for "${commandLine}" (it takes ${command.positionals === 0 ? 'none' : `at most ${command.positionals}`}): see "${commandLine} --help"`);
  }
  return [...command.path, ...flags, ...positional, ...(dangling ? [dangling] : [])];
}

/** `--x=true|false` for a boolean flag, as --x, --no-x or nothing (the default). */
function booleanWithValue(name: string, value: string, command: CommandSpec, unknown: (flag: string) => Error): string[] {
  const on = TRUE.has(value) ? true : FALSE.has(value) ? false : undefined;
  const bare = name.startsWith('--no-') ? name.slice(5) : name.slice(2);
  const negated = name.startsWith('--no-');
  const hasPlain = command.flags.has(`--${bare}`) && !command.flags.get(`--${bare}`)!.takesValue;
  const hasNo = command.flags.has(`--no-${bare}`) && !command.flags.get(`--no-${bare}`)!.takesValue;
  if (!hasPlain && !hasNo) throw unknown(name);
  if (on === undefined) throw usageError(`invalid value "${value}" for ${name}: use true or false`);
  const want = negated ? !on : on; // the value of --<bare>
  if (hasPlain) return [want ? `--${bare}` : `--no-${bare}`];
  return want ? [] : [`--no-${bare}`];
}

/**
 * Takes the flags that `table` names (by long name) out of a command line that normalizeArgv wrote:
 * their values by field, and the rest. Undefined when a flag of the table that takes a value has
 * none (the parser that knows the flag must report that).
 */
export function takeFlags(argv: string[], table: Readonly<Record<string, { field: string; kind: 'value' | 'boolean' | 'repeated' }>>): { rest: string[]; values: Record<string, string | boolean | string[]> } | undefined {
  const rest: string[] = [];
  const values: Record<string, string | boolean | string[]> = {};
  for (const a of argv) {
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(0, eq) : a;
    const negated = eq < 0 && name.startsWith('--no-') && table[`--${name.slice(5)}`]?.kind === 'boolean';
    const flag = a.startsWith('--') ? table[negated ? `--${name.slice(5)}` : name] : undefined;
    if (!flag) {
      rest.push(a);
      continue;
    }
    if (flag.kind === 'boolean') values[flag.field] = eq >= 0 ? a.slice(eq + 1) : !negated;
    else if (eq < 0) return undefined;
    else if (flag.kind === 'repeated') values[flag.field] = [...((values[flag.field] as string[] | undefined) ?? []), a.slice(eq + 1)];
    else values[flag.field] = a.slice(eq + 1);
  }
  return { rest, values };
}
