// The router's check of the server it dials (Proton's OpenSSL verify callback with verifyHostname,
// the controller's default): the host must match a DNS SAN or, failing that, the subject CN. IP
// SANs are never consulted, so an IP host must also be written as a DNS SAN. Test and demo only.
import type { PeerCertificate } from 'node:tls';

/** Undefined when the certificate names the host as the router requires, else why not. */
export function routerPeerNameError(host: string, cert: Pick<PeerCertificate, 'subjectaltname' | 'subject'>): Error | undefined {
  const dns = (cert.subjectaltname ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  const cn = cert.subject?.CN;
  const names = [...dns, ...(Array.isArray(cn) ? cn : cn ? [cn] : [])];
  if (names.some((pattern) => matchesPattern(host, pattern))) return undefined;
  return new Error(`no name matching ${host} found in peer cert`);
}

/** A case-insensitive match; a leading "*." matches exactly one label. */
function matchesPattern(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (!p.startsWith('*.')) return h === p;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}
