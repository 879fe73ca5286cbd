// The overview printed by `kubectl skupper`, `--help` and `-h`, made from the commands' own
// usage data. It does not build clipanion's parser for every command, which would cost more
// start-up time than the rest of the run.
import { style } from './style.js';

interface Described {
  paths?: string[][];
  usage?: { category?: string; description?: string };
}

const CATEGORY_ORDER = ['Sites', 'Links', 'Services', 'Tokens', 'Network', 'Other'];

export function overview(commands: readonly Described[], name: string, version: string, context: { env: Record<string, string | undefined>; colorDepth: number }): string {
  const s = style(context);
  const byCategory = new Map<string, [string, string][]>();
  for (const command of commands) {
    const path = command.paths?.[0];
    if (!path?.length || !command.usage?.description || path.length === 1 && commands.some((c) => c !== command && c.paths?.[0]?.[0] === path[0] && (c.paths?.[0]?.length ?? 0) > 1)) continue;
    const category = command.usage.category ?? 'Other';
    byCategory.set(category, [...(byCategory.get(category) ?? []), [path.join(' '), command.usage.description.trim()]]);
  }
  const width = Math.max(...[...byCategory.values()].flat().map(([p]) => p.length));
  const sections = CATEGORY_ORDER.filter((c) => byCategory.has(c)).map(
    (category) => `${s.bold(`${category}:`)}\n${byCategory.get(category)!.map(([p, d]) => `  ${p.padEnd(width)}   ${d}`).join('\n')}`,
  );
  return [
    `kubectl-skupper ${version}: link Kubernetes sites into a Skupper application network`,
    '',
    `Usage: ${name} <command> [flags]`,
    '',
    ...sections.flatMap((section) => [section, '']),
    `Connection flags on every command that reaches a cluster: --kubeconfig, --context, -n/--namespace, --timeout.`,
    `Run "${name} help <command>" (or "${name} <command> --help") for a command's flags and examples.`,
    '',
  ].join('\n');
}
