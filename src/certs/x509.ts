import { randomBytes, webcrypto } from 'node:crypto';

/** The @peculiar/x509 module's type; a type-only import, so nothing is loaded at start-up. */
export type X509Module = typeof import('@peculiar/x509');

let loading: Promise<X509Module> | undefined;

/**
 * Loads @peculiar/x509 on first use (~110 ms, too much for every CLI start-up). Its dependency
 * injection (tsyringe) needs reflect-metadata installed first, or the import throws.
 */
export function loadX509(): Promise<X509Module> {
  loading ??= (async () => {
    await import('reflect-metadata');
    const module = (await import('@peculiar/x509')) as X509Module & { default?: X509Module };
    // Bundlers may hand us the CommonJS build as a default export; take whichever has the API.
    const x509 = module.cryptoProvider ? module : module.default!;
    // Use node's WebCrypto explicitly rather than relying on whatever globalThis.crypto is.
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return loading;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Five years, as upstream Skupper (5 * 365 * 24h). */
export const DEFAULT_VALIDITY_DAYS = 5 * 365;
/** Back-date NotBefore so a peer whose clock is slightly behind does not reject a brand-new certificate. */
const CLOCK_SKEW_MS = 60 * 1000;

export function validity(validityDays: number = DEFAULT_VALIDITY_DAYS): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(validityDays) || validityDays <= 0) {
    throw new RangeError(`validityDays must be a positive number, got ${validityDays}`);
  }
  const now = Date.now();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + validityDays * DAY_MS) };
}

/** 128 random bits as hex, like upstream; @peculiar/x509 adds a leading zero byte when needed to keep it positive. */
export function randomSerial(): string {
  return randomBytes(16).toString('hex');
}

/**
 * DER encoding of a distinguished name: an optional O (Kubernetes reads it as the user's group)
 * then the CN. Built by hand because @peculiar/x509's string and JSON name parsers interpret
 * backslashes and leading '#', which would alter some names. Like Go (upstream), PrintableString
 * when the value allows it, UTF8String otherwise.
 */
export function subjectName(commonName: string, organization?: string): Uint8Array {
  if (commonName.trim() === '') throw new TypeError('commonName must not be empty');
  const rdns = [...(organization ? [attribute(0x0a, organization)] : []), attribute(0x03, commonName)];
  return der(0x30, Buffer.concat(rdns.map((a) => der(0x31, a)))); // Name ::= SEQUENCE OF SET OF AttributeTypeAndValue
}

/** AttributeTypeAndValue for id-at-<oidLastByte> (2.5.4.x). */
function attribute(oidLastByte: number, text: string): Buffer {
  const value = Buffer.from(text, 'utf8');
  const stringTag = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text) ? 0x13 : 0x0c;
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x04, oidLastByte]);
  return der(0x30, Buffer.concat([oid, der(stringTag, value)]));
}

/** One DER tag-length-value. */
function der(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const lengthBytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | lengthBytes.length, ...lengthBytes]), content]);
}
