// Renders data: aligned tables for people, YAML or JSON for programs. Keys keep their order and
// lists come sorted by the caller, so the output is stable.
import { usageError } from '../errors.js';
import { loadYaml } from '../yaml.js';
import { compileJsonPath } from './jsonpath.js';

export { compileJsonPath };

export type OutputFormat = 'yaml' | 'json';

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
  objects = objects.map(withoutManagedFields);
  const data = opts.single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  return (await loadYaml()).stringify(data, { lineWidth: 0 });
}

/**
 * metadata.managedFields is the API server's bookkeeping of who set which field: kubectl leaves it
 * out of every output (unless --show-managed-fields), and so do we.
 */
export function withoutManagedFields<T>(object: T): T {
  const metadata = (object as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (!metadata || typeof metadata !== 'object' || !('managedFields' in metadata)) return object;
  const { managedFields: _omitted, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** YAML documents separated by ---, the form `kubectl apply -f -` and upstream tools read. */
export async function renderDocuments(objects: unknown[]): Promise<string> {
  const { stringify } = await loadYaml();
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}

/** -o of a listing command: kubectl's formats. */
export type ListFormat = { kind: 'table' | 'wide' | 'name' | 'yaml' | 'json' } | { kind: 'jsonpath' | 'custom-columns'; expr: string };

export function parseListFormat(value: string | undefined): ListFormat {
  if (value === undefined) return { kind: 'table' };
  if (value === 'wide' || value === 'name' || value === 'yaml' || value === 'json') return { kind: value };
  const m = value.match(/^(jsonpath|custom-columns)=(.+)$/s);
  if (m) {
    const format = { kind: m[1] as 'jsonpath' | 'custom-columns', expr: m[2]! };
    if (format.kind === 'custom-columns') customColumns(format.expr); // validate before any request
    else compileJsonPath(format.expr);
    return format;
  }
  throw usageError(`invalid output format "${value}": use -o wide, name, yaml, json, jsonpath=<template> or custom-columns=<HEADER:.path,...>`);
}

/** A column of a listing: its header, its cell, and whether only -o wide shows it. */
export interface Column<T> {
  header: string;
  cell: (object: T) => string;
  wide?: boolean;
}

type Meta = { kind?: string; apiVersion?: string; metadata: { name: string; namespace?: string } };

/**
 * Renders a list of objects in any ListFormat. yaml, json and jsonpath see a List, or with `single`
 * (a name was given) the one object itself, as `kubectl get KIND NAME` does.
 */
export async function renderList<T extends Meta>(objects: T[], format: ListFormat, columns: Column<T>[], opts: { noHeaders?: boolean; resource: string; namespaces?: boolean; single?: boolean }): Promise<string> {
  objects = objects.map(withoutManagedFields);
  switch (format.kind) {
    case 'yaml':
    case 'json':
      return renderObjects(objects, format.kind, { single: opts.single });
    case 'name':
      return objects.map((o) => `${opts.resource}/${o.metadata.name}\n`).join('');
    case 'jsonpath': {
      const data = opts.single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
      return compileJsonPath(format.expr)(data);
    }
    case 'custom-columns': {
      const cols = customColumns(format.expr);
      return table(cols.map((c) => c.header), objects.map((o) => cols.map((c) => c.cell(o))), opts);
    }
    default: {
      const shown = [
        ...(opts.namespaces ? [{ header: 'NAMESPACE', cell: (o: T) => o.metadata.namespace ?? '' }] : []),
        ...columns.filter((c) => format.kind === 'wide' || !c.wide),
      ];
      return table(shown.map((c) => c.header), objects.map((o) => shown.map((c) => c.cell(o))), opts);
    }
  }
}

function customColumns(spec: string): { header: string; cell: (o: unknown) => string }[] {
  return spec.split(',').map((part) => {
    const [header, path] = part.split(/:(.*)/s);
    if (!header || !path) throw usageError(`invalid custom-columns "${spec}": use HEADER:.path[,HEADER:.path...]`);
    const get = compileJsonPath(path.startsWith('{') ? path : `{${path}}`);
    return { header, cell: (o: unknown) => get(o) || '<none>' };
  });
}

/** kubectl's AGE: 45s, 3m20s, 25m, 5h10m, 30h, 3d4h, 40d, 2y30d. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  const y = Math.floor(d / 365);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 730) return `${d}d`;
  if (d < 2920) return d % 365 ? `${y}y${d % 365}d` : `${y}y`;
  return `${y}y`;
}
