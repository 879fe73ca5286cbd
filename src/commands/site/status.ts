import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { age, parseListFormat, renderList, table, type Column } from '../../cli/output.js';
import { listingFlags, streamList } from '../../cli/listing.js';
import type { Site } from '../../kube/resources.js';
import { checkName } from '../../site/validate.js';
import { compareText } from '../../compare.js';

export class SiteStatusCommand extends ClusterCommand {
  static override paths = [['site', 'status']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Show the status of the sites in a namespace',
    details: 'Prints NAME STATUS LINK ACCESS MESSAGE AGE for each site (of every namespace with -A), and the endpoints other sites link to when link access is on. With -w it prints each change until Ctrl-C.',
    examples: [
      ['Show the site of the current namespace', '$0 site status'],
      ['Show one site as YAML', '$0 site status west -o yaml'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  output = Option.String('-o,--output', { description: 'Output format: wide, name, yaml, json, jsonpath=<template> or custom-columns=<HEADER:.path,...> (default: a table)' });
  allNamespaces = Option.Boolean('-A,--all-namespaces', false, { description: 'List the sites of every namespace' });
  selector = Option.String('-l,--selector', { description: 'Only the sites whose labels match this selector (e.g. env=prod)' });
  noHeaders = Option.Boolean('--no-headers', false, { description: 'Print table rows without the header line' });
  watch = Option.Boolean('-w,--watch', false, { description: 'After listing, print each site that changes, until Ctrl-C' });

  /** -w runs until Ctrl-C: no command deadline. */
  override longRunning(): boolean {
    return this.watch;
  }

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const format = parseListFormat(this.output);
    listingFlags(this.name, this.allNamespaces, this.selector);
    const { followSites, listSites, resolveSite } = await import('../../site/sites.js');
    const client = await this.client();
    if (this.watch) {
      const opts = { namespace: this.allNamespaces ? '' : client.namespace, name: this.name, labelSelector: this.selector };
      const render = (sites: Site[], noHeaders: boolean) => renderList(sites, format, SITE_COLUMNS, { noHeaders, resource: 'site.skupper.io', namespaces: this.allNamespaces, single: this.name !== undefined });
      return streamList((t) => this.context.stdout.write(t), (signal, on) => followSites(client, opts, signal, on), render, this.noHeaders);
    }
    const sites = this.name ? [await resolveSite(client, this.name)] : await listSites(client, this.allNamespaces ? '' : client.namespace, { labelSelector: this.selector });
    if (sites.length === 0 && (format.kind === 'table' || format.kind === 'wide')) {
      this.out(`There is no Skupper site ${this.allNamespaces ? 'in any namespace' : `in namespace "${client.namespace}"`}${this.selector ? ` matching "${this.selector}"` : ''}.`);
      return 0;
    }
    let text = await renderList(sites, format, SITE_COLUMNS, { noHeaders: this.noHeaders, resource: 'site.skupper.io', namespaces: this.allNamespaces, single: this.name !== undefined });
    if (format.kind !== 'table' && format.kind !== 'wide') {
      this.context.stdout.write(text);
      return 0;
    }
    for (const site of sites) {
      const endpoints = site.status?.endpoints ?? [];
      if (endpoints.length === 0) continue;
      const lines = [...endpoints]
        .sort((a, b) => compareText(`${a.group}/${a.name}`, `${b.group}/${b.name}`))
        .map((e) => [e.name ?? '', `${e.host ?? ''}:${e.port ?? ''}`, e.group ?? '']);
      text += `\nEndpoints of site "${site.metadata.name}"${this.allNamespaces ? ` in namespace "${site.metadata.namespace}"` : ''}:\n${table(['ROLE', 'ADDRESS', 'GROUP'], lines)}`;
    }
    this.context.stdout.write(text);
    return 0;
  }
}

const SITE_COLUMNS: Column<Site>[] = [
  { header: 'NAME', cell: (s) => s.metadata.name },
  { header: 'STATUS', cell: (s) => s.status?.status ?? 'Pending' },
  { header: 'LINK ACCESS', cell: (s) => linkAccess(s.spec.linkAccess) },
  { header: 'HA', cell: (s) => (s.spec.ha ? 'yes' : 'no'), wide: true },
  { header: 'SITES IN NETWORK', cell: (s) => String(s.status?.sitesInNetwork ?? ''), wide: true },
  { header: 'MESSAGE', cell: (s) => s.status?.message ?? '' },
  { header: 'AGE', cell: (s) => age(s.metadata.creationTimestamp) },
];

function linkAccess(value: string | undefined): string {
  return value && value !== 'none' ? `enabled (${value})` : 'disabled';
}
