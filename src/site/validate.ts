// Pure checks of site flags, done before any cluster call.
import { usageError } from '../errors.js';

/** Every link access type the Skupper v2 controller knows. */
export const LINK_ACCESS_TYPES = ['default', 'local', 'loadbalancer', 'route', 'nodeport', 'ingress', 'ingress-nginx', 'contour-http-proxy', 'gateway', 'none'] as const;
export type LinkAccessType = (typeof LINK_ACCESS_TYPES)[number];

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkName(name: string, what = 'site name'): string {
  if (name.length > 63 || !DNS_1123_LABEL.test(name)) {
    throw usageError(`invalid ${what} "${name}": use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`);
  }
  return name;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Secret names (and most object names) are DNS-1123 subdomains: labels joined by dots. */
export function checkSubdomain(name: string, what: string): string {
  if (name.length > 253 || !DNS_1123_SUBDOMAIN.test(name)) {
    throw usageError(`invalid ${what} "${name}": use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`);
  }
  return name;
}

export function checkLinkAccessType(type: string): LinkAccessType {
  if (!(LINK_ACCESS_TYPES as readonly string[]).includes(type)) {
    throw usageError(`invalid link access type "${type}": use one of ${LINK_ACCESS_TYPES.join(', ')}`);
  }
  return type as LinkAccessType;
}

/** --enable-link-access [--link-access-type T]: the Site's spec.linkAccess, or undefined when not enabled. */
export function linkAccessFromFlags(enable: boolean | undefined, type: string | undefined): LinkAccessType | undefined {
  if (type !== undefined && !enable) throw usageError('--link-access-type needs --enable-link-access');
  if (!enable) return undefined;
  const checked = checkLinkAccessType(type ?? 'default');
  // "none" is how a Site says link access is off: enabling it as "none" would contradict itself.
  if (checked === 'none') throw usageError('--enable-link-access cannot use --link-access-type none: leave out --enable-link-access, or use --disable-link-access on site update');
  return checked;
}

export type WaitMode = 'ready' | 'configured' | 'none';

export function checkWaitMode(value: string): WaitMode {
  if (value !== 'ready' && value !== 'configured' && value !== 'none') {
    throw usageError(`invalid --wait "${value}": use ready, configured or none`);
  }
  return value;
}

/** Two flags that contradict each other. */
export function exclusive(a: [string, boolean | undefined], b: [string, boolean | undefined]): void {
  if (a[1] && b[1]) throw usageError(`${a[0]} and ${b[0]} cannot be used together`);
}
