// Completion candidates for a partial command line: command words, flags of the matched command,
// fixed flag values, and names read from the cluster (best effort, with a short deadline). The
// entry point (run.ts) hands in the commands' definitions, so nothing here imports it back.
import type { Cli } from 'clipanion';
import { LINK_ACCESS_TYPES } from '../site/validate.js';

export interface Completion {
  candidates: string[];
  /** 4: no file completion; 0: let the shell complete files. */
  directive: 0 | 4;
}

const FILE_FLAGS = new Set(['--kubeconfig', '--output-file']);
const VALUES: Record<string, readonly string[]> = {
  '-o': ['json', 'yaml'],
  '--output': ['json', 'yaml'],
  '--dry-run': ['none', 'client', 'server'],
  '--link-access-type': LINK_ACCESS_TYPES,
  '--generate-credential': ['true', 'false'],
};

const LIST_FORMATS = ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'custom-columns='];

export async function complete(args: string[], env: Record<string, string | undefined>, cli: Pick<Cli, 'binaryName' | 'definitions'>): Promise<Completion> {
  const words = args.slice(0, -1);
  const partial = args.at(-1) ?? '';
  const name = cli.binaryName.split(' ').length;
  const definitions = cli.definitions().map((d) => ({ path: d.path.split(' ').slice(name).filter((w) => /^[a-z]/.test(w)), options: d.options.map((o) => o.definition) }));
  const previous = words.at(-1);
  if (previous && FILE_FLAGS.has(previous)) return { candidates: [], directive: 0 };
  const values = previous ? outputValues(previous, words) ?? VALUES[previous] ?? (previous === '--wait' ? waitValues(words) : undefined) : undefined;
  if (values) return filtered([...values], partial);
  if (previous && CONTEXT_FLAGS.has(previous)) return filtered(await contexts(words, env), partial);
  const positional = words.filter((w, i) => !w.startsWith('-') && !(i > 0 && takesValue(words[i - 1]!, definitions)));
  const command = definitions
    .filter((d) => d.path.length > 0 && d.path.every((w, i) => positional[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (partial.startsWith('-')) return filtered(flagNames(command?.options ?? []), partial);
  if (command && command.path.length === positional.length && needsName(command.path)) {
    return filtered(await clusterNames(command.path, words, env), partial);
  }
  // Still choosing a command: the next word of every path that matches so far.
  const next = definitions
    .filter((d) => d.path.length > positional.length && d.path.slice(0, positional.length).every((w, i) => positional[i] === w))
    .map((d) => d.path[positional.length]!);
  return filtered([...new Set(next)], partial);
}

function filtered(candidates: string[], partial: string): Completion {
  return { candidates: candidates.filter((c) => c.startsWith(partial)).sort(), directive: 4 };
}

function flagNames(options: string[]): string[] {
  return options.flatMap((o) => o.split(' ')[0]!.split(',')).filter((f) => f.startsWith('--'));
}

function takesValue(flag: string, definitions: { options: string[] }[]): boolean {
  return definitions.some((d) => d.options.some((o) => o.includes('#0') && o.split(' ')[0]!.split(',').includes(flag)));
}

function waitValues(words: string[]): readonly string[] {
  if (words[0] === 'link' && words[1] === 'sites') return ['none', 'ready'];
  return words[0] === 'link' ? ['ready'] : ['configured', 'none', 'ready'];
}

/** Flags whose value is a kubeconfig context (--from and --to take CONTEXT[/NAMESPACE]). */
const CONTEXT_FLAGS = new Set(['--context', '--contexts', '--from', '--to']);

function outputValues(flag: string, words: string[]): readonly string[] | undefined {
  if (flag !== '-o' && flag !== '--output') return undefined;
  if (words[0] === 'network') return ['dot', 'json', 'mermaid', 'table', 'yaml'];
  if (words[0] === 'service') return ['json', 'name', 'yaml'];
  if (['site status', 'link status', 'listener status', 'connector status'].includes(words.filter((w) => !w.startsWith('-')).slice(0, 2).join(' '))) return LIST_FORMATS;
  return undefined;
}

/** Commands whose argument names an existing site or link. */
function needsName(path: string[]): boolean {
  const key = path.join(' ');
  return ['site update', 'site status', 'site delete', 'link status', 'link update', 'link check', 'link delete', 'doctor',
    'listener status', 'listener update', 'listener delete', 'connector status', 'connector update', 'connector delete'].includes(key);
}

function flagValue(words: string[], ...flags: string[]): string | undefined {
  const i = words.findLastIndex((w) => flags.includes(w));
  return i >= 0 ? words[i + 1] : undefined;
}

async function contexts(words: string[], env: Record<string, string | undefined>): Promise<string[]> {
  try {
    // The names alone: a kubeconfig without a current context still has contexts to offer.
    const { loadContextNames } = await import('../kube/kubeconfig.js');
    return (await loadContextNames({ kubeconfig: flagValue(words, '--kubeconfig'), env, homeDir: env.HOME ?? '' }))?.contexts ?? [];
  } catch {
    return [];
  }
}

async function clusterNames(path: string[], words: string[], env: Record<string, string | undefined>): Promise<string[]> {
  try {
    const { connect } = await import('../kube/connect.js');
    const { CONNECTORS, LINKS, LISTENERS, SITES } = await import('../kube/resources.js');
    const client = await connect({ kubeconfig: flagValue(words, '--kubeconfig'), context: flagValue(words, '--context'), namespace: flagValue(words, '-n', '--namespace'), env, requestTimeoutMs: 2000 });
    const type = path[0] === 'site' || path[0] === 'doctor' ? SITES : path[0] === 'listener' ? LISTENERS : path[0] === 'connector' ? CONNECTORS : LINKS;
    const list = await client.list(type as typeof SITES);
    return list.items.map((o) => o.metadata.name);
  } catch {
    return []; // completion never prints errors
  }
}
