// Renders data: aligned tables for people, YAML or JSON for programs. Keys keep their order and
// lists come sorted by the caller, so the output is stable.
import { usageError } from '../errors.js';

export type OutputFormat = 'yaml' | 'json';

type YamlModule = typeof import('yaml');

/** yaml loads on first use (it is a third of the start-up bundle); bundlers may give its CommonJS build as a default export. */
async function yamlStringify(): Promise<YamlModule['stringify']> {
  const module = (await import('yaml')) as YamlModule & { default?: YamlModule };
  return ('stringify' in module && typeof module.stringify === 'function' ? module : module.default!).stringify;
}

export function parseOutputFormat(value: string | undefined): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'yaml' || value === 'json') return value;
  throw usageError(`invalid output format "${value}": use -o yaml or -o json`);
}

/** What a cell takes on screen: colour codes take none. */
export function visibleWidth(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Columns padded like kubectl: three spaces between columns, no trailing spaces. */
export function table(headers: string[], rows: string[][], opts: { noHeaders?: boolean } = {}): string {
  const shown = opts.noHeaders ? rows : [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(0, ...shown.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleWidth(cell))))
      .join('   ')
      .trimEnd();
  return shown.length === 0 ? '' : shown.map(line).join('\n') + '\n';
}

/** One object as itself; several as a kubectl-style List so that `kubectl apply -f` takes it. */
export async function renderObjects(objects: unknown[], format: OutputFormat, opts: { single?: boolean } = {}): Promise<string> {
  const data = opts.single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  return (await yamlStringify())(data, { lineWidth: 0 });
}

/** YAML documents separated by ---, the form `kubectl apply -f -` and upstream tools read. */
export async function renderDocuments(objects: unknown[]): Promise<string> {
  const stringify = await yamlStringify();
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
