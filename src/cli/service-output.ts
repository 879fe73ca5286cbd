// How listeners and connectors print: the status tables (upstream's columns, plus AGE), the
// details of one, and the line a create or update ends with.
import type { Connector, Listener } from '../kube/resources.js';
import { serviceState, type ServiceObject } from '../service/state.js';
import type { ServiceKind } from '../service/services.js';
import { age, type Column } from './output.js';

const state = (o: ServiceObject) => serviceState(o);

export const LISTENER_COLUMNS: Column<Listener>[] = [
  { header: 'NAME', cell: (l) => l.metadata.name },
  { header: 'STATUS', cell: (l) => state(l).status },
  { header: 'ROUTING-KEY', cell: (l) => l.spec.routingKey },
  { header: 'HOST', cell: (l) => l.spec.host },
  { header: 'PORT', cell: (l) => String(l.spec.port) },
  { header: 'MATCHING-CONNECTOR', cell: (l) => String(Boolean(l.status?.hasMatchingConnector)) },
  { header: 'TLS-CREDENTIALS', cell: (l) => l.spec.tlsCredentials ?? '', wide: true },
  { header: 'MESSAGE', cell: (l) => state(l).message },
  { header: 'AGE', cell: (l) => age(l.metadata.creationTimestamp), wide: true },
];

export const CONNECTOR_COLUMNS: Column<Connector>[] = [
  { header: 'NAME', cell: (c) => c.metadata.name },
  { header: 'STATUS', cell: (c) => state(c).status },
  { header: 'ROUTING-KEY', cell: (c) => c.spec.routingKey },
  { header: 'SELECTOR', cell: (c) => c.spec.selector ?? '' },
  { header: 'HOST', cell: (c) => c.spec.host ?? '' },
  { header: 'PORT', cell: (c) => String(c.spec.port) },
  { header: 'HAS MATCHING LISTENER', cell: (c) => String(Boolean(c.status?.hasMatchingListener)) },
  { header: 'TLS-CREDENTIALS', cell: (c) => c.spec.tlsCredentials ?? '', wide: true },
  { header: 'MESSAGE', cell: (c) => state(c).message },
  { header: 'AGE', cell: (c) => age(c.metadata.creationTimestamp), wide: true },
];

export function columnsOf(kind: ServiceKind): Column<ServiceObject>[] {
  return (kind === 'listener' ? LISTENER_COLUMNS : CONNECTOR_COLUMNS) as Column<ServiceObject>[];
}

/** `status <name>`: one object, field by field. */
export function serviceDetails(object: ServiceObject, pods?: { name: string; ip: string }[]): string {
  const s = serviceState(object);
  const rows: [string, string][] = [
    ['Name', object.metadata.name],
    ['Status', s.status],
    ['Message', s.message],
    ['Routing key', object.spec.routingKey],
  ];
  if (object.kind === 'Listener') {
    rows.push(['Host', object.spec.host], ['Port', String(object.spec.port)], ['Matching connector', String(Boolean(object.status?.hasMatchingConnector))]);
  } else {
    const c = object as Connector;
    if (c.spec.selector !== undefined) rows.push(['Selector', c.spec.selector]);
    if (c.spec.host !== undefined) rows.push(['Host', c.spec.host]);
    rows.push(['Port', String(c.spec.port)], ['Matching listener', String(Boolean(c.status?.hasMatchingListener))]);
    if (c.spec.includeNotReadyPods) rows.push(['Not ready pods', 'included']);
    const shown = (c.status?.selectedPods ?? pods ?? []).map((p) => `${p.name}${p.ip ? ` (${p.ip})` : ''}`);
    if (c.spec.selector !== undefined) rows.push(['Selected pods', shown.length ? shown.join(', ') : 'none']);
  }
  if (object.spec.tlsCredentials) rows.push(['TLS credentials', object.spec.tlsCredentials]);
  return rows.map(([k, v]) => `${`${k}:`.padEnd(20)}${v}`.trimEnd()).join('\n') + '\n';
}

export function kindTitle(kind: ServiceKind): string {
  return kind === 'listener' ? 'Listener' : 'Connector';
}
