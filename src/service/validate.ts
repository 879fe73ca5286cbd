// Pure checks of listener and connector flags, done before any cluster call, each failing in one
// line that says what to type instead.
import { usageError } from '../errors.js';

/** A port as people type it: decimal digits only, 1 to 65535. */
export function parsePort(text: string, what = 'port'): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`invalid ${what} "${text}": use a whole number from 1 to 65535`);
  return port;
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A listener's host becomes the name of a Service, which must be a DNS-1035 label. Upstream takes
 * any host and the listener then stays Pending without saying why (skupper#2571).
 */
export function checkListenerHost(host: string): string {
  if (host.length > 63 || !DNS_1035_LABEL.test(host)) {
    throw usageError(`invalid --host "${host}": a listener's host names a Service, so use at most 63 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit`);
  }
  return host;
}

/** A connector's host: a DNS name or an IP address, no spaces, no scheme or port. */
export function checkConnectorHost(host: string): string {
  if (host.length > 253 || !/^[A-Za-z0-9]([-A-Za-z0-9.:]*[A-Za-z0-9])?$/.test(host)) {
    throw usageError(`invalid --host "${host}": use a host name or IP address, without a scheme or port`);
  }
  return host;
}

const ROUTING_KEY = /^[a-z0-9]+([-.][a-z0-9]+)*$/;

/** Routing keys as the upstream CLI accepts them: lowercase letters and digits, single "-" or "." between. */
export function checkRoutingKey(key: string): string {
  if (key.length > 253 || !ROUTING_KEY.test(key)) {
    throw usageError(`invalid --routing-key "${key}": use lowercase letters and digits, with single "-" or "." between them (e.g. backend or backend.v2)`);
  }
  return key;
}

/** The only type Skupper v2 serves today. */
export function checkType(type: string): 'tcp' {
  if (type !== 'tcp') throw usageError(`invalid --type "${type}": use tcp`);
  return type;
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) return false;
  return name.length <= 63 && NAME.test(name);
}

function labelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME.test(value));
}

/**
 * A Kubernetes label selector as kubectl -l takes it: key=value, key==value, key!=value, key,
 * !key, key in (a,b), key notin (a,b), joined by commas. Returns it with spaces around parts
 * trimmed; throws a usage error naming the part that is wrong.
 */
export function checkSelector(selector: string, flag = '--selector'): string {
  if (selector.trim() === '') throw usageError(`${flag} is empty: give a label selector such as app=backend`);
  const parts: string[] = [];
  // Split on commas outside parentheses.
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const out = parts.map((raw) => {
    const part = raw.trim();
    const bad = () => usageError(`invalid ${flag} "${selector}": "${part}" is not a label requirement; use key=value, key!=value, key, !key, key in (a,b) or key notin (a,b), joined by commas`);
    let m = part.match(/^([^=!\s(),]+)\s*(==|=|!=)\s*([^=!\s(),]*)$/);
    if (m) {
      if (!labelKey(m[1]!) || !labelValue(m[3]!)) throw bad();
      return `${m[1]}${m[2]}${m[3]}`;
    }
    m = part.match(/^([^=!\s(),]+)\s+(in|notin)\s+\(([^()]*)\)$/);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      if (!labelKey(m[1]!) || !values.every(labelValue)) throw bad();
      return `${m[1]} ${m[2]} (${values.join(',')})`;
    }
    m = part.match(/^(!?)\s*([^=!\s(),]+)$/);
    if (m && labelKey(m[2]!)) return `${m[1]}${m[2]}`;
    throw bad();
  });
  return out.join(',');
}

export const WORKLOAD_KINDS = ['deployment', 'service', 'daemonset', 'statefulset'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** --workload deployment/backend (kubectl's short and plural forms too). */
export function parseWorkload(text: string, what = '--workload'): { kind: WorkloadKind; name: string } {
  const m = text.match(/^([A-Za-z.]+)\/(.+)$/);
  const aliases: Record<string, WorkloadKind> = {
    deployment: 'deployment', deployments: 'deployment', deploy: 'deployment', 'deployment.apps': 'deployment',
    service: 'service', services: 'service', svc: 'service',
    daemonset: 'daemonset', daemonsets: 'daemonset', ds: 'daemonset', 'daemonset.apps': 'daemonset',
    statefulset: 'statefulset', statefulsets: 'statefulset', sts: 'statefulset', 'statefulset.apps': 'statefulset',
  };
  const kind = m ? aliases[m[1]!.toLowerCase()] : undefined;
  if (!m || !kind) throw usageError(`invalid ${what} "${text}": use ${WORKLOAD_KINDS.join('|')}/<name>, e.g. deployment/backend`);
  const name = m[2]!;
  if (name.length > 253 || !PREFIX.test(name)) throw usageError(`invalid ${what} "${text}": "${name}" is not a valid ${kind} name`);
  return { kind, name };
}

/** Connector targets: exactly one of --host, --selector, --workload; none given means app=<name>. */
export function connectorTarget(name: string, flags: { host?: string; selector?: string; workload?: string }): { host: string } | { selector: string } | { workload: { kind: WorkloadKind; name: string } } {
  const given = (['host', 'selector', 'workload'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw usageError(`${given.map((g) => `--${g}`).join(' and ')} cannot be used together: a connector targets a host, a selector or a workload`);
  if (flags.host !== undefined) return { host: checkConnectorHost(flags.host) };
  if (flags.selector !== undefined) return { selector: checkSelector(flags.selector) };
  if (flags.workload !== undefined) return { workload: parseWorkload(flags.workload) };
  return { selector: `app=${name}` };
}

export type ServiceWaitMode = 'configured' | 'ready' | 'none';

export function checkServiceWait(value: string): ServiceWaitMode {
  if (value !== 'configured' && value !== 'ready' && value !== 'none') throw usageError(`invalid --wait "${value}": use configured, ready or none`);
  return value;
}

/** --include-not-ready as a boolean flag that also takes =true / =false. */
export function parseBoolFlag(value: string | boolean | undefined, flag: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw usageError(`invalid ${flag}="${value}": use true or false`);
}
