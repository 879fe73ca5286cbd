import { X509Certificate } from 'node:crypto';

/** A certificate and its private key, both PEM encoded (the tls.crt / tls.key pair of a kubernetes.io/tls Secret). */
export interface PemPair {
  cert: string;
  key: string;
}

/** Key algorithms we generate: RSA-2048 (what upstream Skupper uses) or ECDSA P-256 (much faster to make). */
export type KeyType = 'rsa' | 'ecdsa';

export interface CertificateDescription {
  /** Subject as node prints it, one "ATTR=value" per line (e.g. "CN=site-a"). */
  subject: string;
  commonName: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, as node and openssl print it. */
  serialNumber: string;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
}

/**
 * Summarises a PEM certificate. Uses node's own X509Certificate (backed by OpenSSL) rather than
 * @peculiar/x509 so callers such as status commands do not pay for loading the latter.
 */
export function describeCertificate(pem: string): CertificateDescription {
  const x = new X509Certificate(pem);
  const sans = parseSubjectAltName(x.subjectAltName);
  return {
    subject: x.subject,
    commonName: firstAttribute(x.subject, 'CN') ?? '',
    issuer: x.issuer,
    notBefore: x.validFromDate,
    notAfter: x.validToDate,
    serialNumber: x.serialNumber.toUpperCase(),
    dnsNames: sans.dnsNames,
    ipAddresses: sans.ipAddresses,
    isCA: x.ca,
  };
}

/**
 * True when certPem was issued by caPem: the names chain, the CA certificate is a CA, and the
 * signature verifies with the CA's public key. Does not check validity dates.
 */
export function verifySignedBy(certPem: string, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  // checkIssued compares issuer/subject names and key identifiers; verify checks the signature itself.
  return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** Returns the first value of an attribute in node's multi-line distinguished name format. */
function firstAttribute(dn: string, attribute: string): string | undefined {
  const prefix = `${attribute}=`;
  const line = dn.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : unescapeDnValue(line.slice(prefix.length));
}

/** Undoes node's RFC 2253 style escaping: `\,` for specials, `\0A` (hex bytes) for control characters. */
function unescapeDnValue(value: string): string {
  const parts: Buffer[] = [];
  for (const [, hex, escaped, plain] of value.matchAll(/\\([0-9A-Fa-f]{2})|\\([\s\S])|([^\\]+)/g)) {
    if (hex !== undefined) parts.push(Buffer.from(hex, 'hex'));
    else parts.push(Buffer.from(escaped ?? plain ?? '', 'utf8'));
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Parses node's subjectAltName string, e.g. `DNS:a.example, IP Address:10.0.0.1`. Node JSON-quotes
 * any value containing a comma, quote or similar, so splitting on ", " alone would be ambiguous.
 */
function parseSubjectAltName(text: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  // Each entry: a type, a colon, then either a JSON string or anything up to the next ", ".
  const entry = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const [, type, value] of (text ?? '').matchAll(entry)) {
    if (type === 'DNS') dnsNames.push(unquote(value ?? ''));
    else if (type === 'IP Address') ipAddresses.push(canonicalIp(unquote(value ?? '')));
  }
  return { dnsNames, ipAddresses };
}

/** Node prints IPv6 SANs uncompressed and upper-case (FD00:0:0:0:0:0:0:1); use the usual form (fd00::1). */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value;
  }
}
