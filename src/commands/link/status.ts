import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { age, parseListFormat, renderList, table, type Column } from '../../cli/output.js';
import { listingFlags, streamList } from '../../cli/listing.js';
import { usageError } from '../../errors.js';
import type { Link } from '../../kube/resources.js';
import { linkState } from '../../link/state.js';
import { checkName } from '../../site/validate.js';
import { compareText } from '../../compare.js';

export class LinkStatusCommand extends ClusterCommand {
  static override paths = [['link', 'status']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Show the status of the links of a site',
    details: 'Prints NAME STATUS REMOTE SITE COST MESSAGE AGE for each link in the namespace (or every namespace with -A), or the details of one link. With `--wait ready` it watches until the links are Ready; with -w it prints each change until Ctrl-C.',
    examples: [
      ['Show every link', '$0 link status'],
      ['Wait up to two minutes for the links to be ready', '$0 link status --wait ready --timeout 2m'],
      ['Show one link as JSON', '$0 link status link-west-skupper-router -o json'],
      ['Watch every link of the cluster change, until Ctrl-C', '$0 link status -A -w'],
      ['Print the remote site of each link', '$0 link status -o custom-columns=LINK:.metadata.name,REMOTE:.status.remoteSiteName'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  output = Option.String('-o,--output', { description: 'Output format: wide, name, yaml, json, jsonpath=<template> or custom-columns=<HEADER:.path,...> (default: a table)' });
  wait = Option.String('--wait', { description: 'ready: watch until every selected link is Ready (default: do not wait)' });
  allNamespaces = Option.Boolean('-A,--all-namespaces', false, { description: 'List the links of every namespace' });
  selector = Option.String('-l,--selector', { description: 'Only the links whose labels match this selector (e.g. env=prod)' });
  noHeaders = Option.Boolean('--no-headers', false, { description: 'Print table rows without the header line' });
  watch = Option.Boolean('-w,--watch', false, { description: 'After listing, print each link that changes, until Ctrl-C' });

  /** -w runs until Ctrl-C: no command deadline. */
  override longRunning(): boolean {
    return this.watch;
  }

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name, 'link name');
    const format = parseListFormat(this.output);
    listingFlags(this.name, this.allNamespaces, this.selector);
    if (this.wait !== undefined && this.wait !== 'ready') throw usageError(`invalid --wait "${this.wait}": use --wait ready`);
    if (this.wait && (this.allNamespaces || this.selector !== undefined)) throw usageError('--wait ready follows the links of one namespace: leave out -A and -l');
    if (this.wait && this.watch) throw usageError('--wait and -w/--watch cannot be used together: -w prints changes until Ctrl-C');
    const timeoutMs = this.timeoutMs();
    const { followLinks, listLinks, waitForLinks } = await import('../../link/links.js');
    const client = await this.client();
    if (this.watch) {
      const opts = { namespace: this.allNamespaces ? '' : client.namespace, name: this.name, labelSelector: this.selector };
      const render = (links: Link[], noHeaders: boolean) => renderList(links, format, LINK_COLUMNS, { noHeaders, resource: 'link.skupper.io', namespaces: this.allNamespaces, single: this.name !== undefined });
      return streamList((t) => this.context.stdout.write(t), (signal, on) => followLinks(client, opts, signal, on), render, this.noHeaders);
    }
    let links: Link[];
    if (this.wait) {
      if (timeoutMs > 0) this.progress('Waiting for the links to be ready...');
      links = await waitForLinks(client, this.name ? [this.name] : undefined, timeoutMs);
    } else {
      links = await listLinks(client, this.name, { namespace: this.allNamespaces ? '' : client.namespace, labelSelector: this.selector });
    }
    if (links.length === 0 && (format.kind === 'table' || format.kind === 'wide')) {
      this.out(`There are no link resources ${this.allNamespaces ? 'in any namespace' : `in namespace "${client.namespace}"`}${this.selector ? ` matching "${this.selector}"` : ''}.`);
      return 0;
    }
    if (this.name && format.kind === 'table') {
      this.context.stdout.write(details(links[0]!));
      return 0;
    }
    this.context.stdout.write(await renderList(links, format, LINK_COLUMNS, { noHeaders: this.noHeaders, resource: 'link.skupper.io', namespaces: this.allNamespaces, single: this.name !== undefined }));
    return 0;
  }
}

const LINK_COLUMNS: Column<Link>[] = [
  { header: 'NAME', cell: (l) => l.metadata.name },
  { header: 'STATUS', cell: (l) => linkState(l).status },
  { header: 'REMOTE SITE', cell: (l) => l.status?.remoteSiteName ?? '' },
  { header: 'COST', cell: (l) => String(l.spec.cost ?? 1) },
  { header: 'ENDPOINTS', cell: (l) => endpoints(l).join(','), wide: true },
  { header: 'CREDENTIALS', cell: (l) => l.spec.tlsCredentials ?? '', wide: true },
  { header: 'MESSAGE', cell: (l) => linkState(l).message },
  { header: 'AGE', cell: (l) => age(l.metadata.creationTimestamp) },
];

function endpoints(link: Link): string[] {
  return [...link.spec.endpoints].sort((a, b) => compareText(a.name ?? '', b.name ?? '')).map((e) => `${e.name}=${e.host}:${e.port}`);
}

/** The link status table, one row per link (also printed by link sites). */
export function linkTable(links: Link[]): string {
  const columns = LINK_COLUMNS.filter((c) => !c.wide);
  return table(columns.map((c) => c.header), links.map((l) => columns.map((c) => c.cell(l))));
}

function details(link: Link): string {
  const rows: [string, string][] = [
    ['Name', link.metadata.name],
    ['Status', linkState(link).status],
    ['Cost', String(link.spec.cost ?? 1)],
    ['Message', linkState(link).message],
    ['Remote site', link.status?.remoteSiteName ?? ''],
    ['Endpoints', endpoints(link).join(', ')],
    ['Credentials', link.spec.tlsCredentials ?? ''],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(13)}${v}`.trimEnd()).join('\n') + '\n';
}
