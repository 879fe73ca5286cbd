// Minimal DER walking for tests that must see the encoding itself, not a library's interpretation of it.
import { X509Certificate } from 'node:crypto';

interface Tlv {
  tag: number;
  start: number; // offset of the tag byte
  contentStart: number;
  end: number; // offset just past the content
}

export function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i]!;
    contentStart += count;
  }
  return { tag, start: offset, contentStart, end: contentStart + length };
}

/** Children of the TBSCertificate: [version], serial, signature alg, issuer, validity, subject, spki, ... */
export function tbsFields(pem: string): { der: Buffer; fields: Tlv[] } {
  const der = new X509Certificate(pem).raw;
  const tbs = readTlv(der, readTlv(der, 0).contentStart);
  const fields: Tlv[] = [];
  for (let at = tbs.contentStart; at < tbs.end; at = fields[fields.length - 1]!.end) fields.push(readTlv(der, at));
  return { der, fields };
}

/** The serial number's DER INTEGER content bytes. */
export function derSerialNumber(pem: string): Uint8Array {
  const { der, fields } = tbsFields(pem);
  const serial = fields[1]!; // fields[0] is the explicit [0] version
  if (serial.tag !== 0x02) throw new Error('serial is not an INTEGER');
  return der.subarray(serial.contentStart, serial.end);
}

/** Exact DER bytes of the issuer (which = 'issuer') or subject Name. */
export function derName(pem: string, which: 'issuer' | 'subject'): Buffer {
  const { der, fields } = tbsFields(pem);
  const field = fields[which === 'issuer' ? 3 : 5]!;
  return der.subarray(field.start, field.end);
}
