// Reads a macOS executable the way the kernel and dyld do at exec, to prove our ad-hoc signature
// without a Mac: it shares no code with scripts/macho-sign.mjs (the writer), and the packaging
// tests cross-check it against a second reader (test/packaging/macho-check, on go-macho).
// verifyMachO returns every defect found; an empty list means macOS would accept the signature.
// Layout: Apple's xnu osfmk/kern/cs_blobs.h and EXTERNAL_HEADERS/mach-o/loader.h.
import { createHash } from 'node:crypto';

export const CPU_TYPE_X86_64 = 0x01000007;
export const CPU_TYPE_ARM64 = 0x0100000c;

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const SUPERBLOB = 0xfade0cc0;
const CODEDIRECTORY = 0xfade0c02;
const REQUIREMENTS = 0xfade0c01;
const BLOBWRAPPER = 0xfade0b01;
const SLOT_CODEDIRECTORY = 0;
const SLOT_REQUIREMENTS = 2;
const SLOT_CMS = 0x10000;
const FLAG_ADHOC = 0x2;
const HASH_SHA256 = 2;

export interface Segment {
  name: string;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
  sections: { name: string; offset: number; size: number }[];
}

export interface MachO {
  cputype: number;
  segments: Segment[];
  signatures: { dataoff: number; datasize: number }[];
}

/** Header, segments and code-signature commands of a thin 64-bit Mach-O (throws if it is not one). */
export function readMachO(buf: Buffer): MachO {
  if (buf.length < 32 || buf.readUInt32LE(0) !== 0xfeedfacf) throw new Error('not a thin 64-bit little-endian Mach-O');
  const ncmds = buf.readUInt32LE(16);
  const sizeofcmds = buf.readUInt32LE(20);
  const m: MachO = { cputype: buf.readUInt32LE(4), segments: [], signatures: [] };
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    if (off + 8 > 32 + sizeofcmds) throw new Error(`load command ${i} lies past sizeofcmds`);
    const cmd = buf.readUInt32LE(off);
    const size = buf.readUInt32LE(off + 4);
    if (size < 8 || off + size > 32 + sizeofcmds) throw new Error(`load command ${i} has a bad size ${size}`);
    if (cmd === LC_SEGMENT_64) {
      const nsects = buf.readUInt32LE(off + 64);
      m.segments.push({
        name: cstr(buf, off + 8, 16),
        vmsize: buf.readBigUInt64LE(off + 32),
        fileoff: Number(buf.readBigUInt64LE(off + 40)),
        filesize: Number(buf.readBigUInt64LE(off + 48)),
        sections: Array.from({ length: nsects }, (_, s) => {
          const so = off + 72 + s * 80;
          return { name: cstr(buf, so, 16), offset: buf.readUInt32LE(so + 48), size: Number(buf.readBigUInt64LE(so + 40)) };
        }),
      });
    } else if (cmd === LC_CODE_SIGNATURE) {
      m.signatures.push({ dataoff: buf.readUInt32LE(off + 8), datasize: buf.readUInt32LE(off + 12) });
    }
    off += size;
  }
  return m;
}

export interface Expect {
  cputype: number;
  /** The SEA blob the NODE_SEA segment must hold, byte for byte. */
  blob?: Buffer;
}

/** Every reason macOS would refuse `buf` (or our packaging would be wrong); [] when all is well. */
export function verifyMachO(buf: Buffer, expect: Expect): string[] {
  const defects: string[] = [];
  let m: MachO;
  try {
    m = readMachO(buf);
  } catch (e) {
    return [(e as Error).message];
  }
  if (m.cputype !== expect.cputype) defects.push(`cputype ${hex(m.cputype)}, expected ${hex(expect.cputype)}`);

  // Segments: inside the file, not overlapping, __LINKEDIT last and ending where the file ends.
  const inFile = m.segments.filter((s) => s.filesize > 0).sort((a, b) => a.fileoff - b.fileoff);
  for (const [i, s] of inFile.entries()) {
    if (s.fileoff + s.filesize > buf.length) defects.push(`segment ${s.name} runs past the end of the file`);
    if (BigInt(s.filesize) > s.vmsize) defects.push(`segment ${s.name} has filesize > vmsize`);
    const next = inFile[i + 1];
    if (next && s.fileoff + s.filesize > next.fileoff) defects.push(`segments ${s.name} and ${next.name} overlap in the file`);
  }
  const linkedit = m.segments.find((s) => s.name === '__LINKEDIT');
  if (!linkedit) defects.push('no __LINKEDIT segment');
  else if (inFile.at(-1) !== linkedit || linkedit.fileoff + linkedit.filesize !== buf.length) {
    defects.push('__LINKEDIT is not the last segment ending at the end of the file');
  }

  const sea = m.segments.find((s) => s.name === 'NODE_SEA')?.sections.find((s) => s.name === '__NODE_SEA_BLOB');
  if (!sea) defects.push('no NODE_SEA segment with a __NODE_SEA_BLOB section');
  else if (expect.blob && !buf.subarray(sea.offset, sea.offset + sea.size).equals(expect.blob)) {
    defects.push('the NODE_SEA blob is not the SEA blob we prepared');
  }
  if (!buf.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')) defects.push('the SEA fuse is not set');

  const [first] = m.signatures;
  if (m.signatures.length !== 1) defects.push(`${m.signatures.length} LC_CODE_SIGNATURE load commands, expected 1`);
  if (!first) return defects;
  const { dataoff, datasize } = first;
  if (dataoff + datasize !== buf.length) defects.push(`the signature (${dataoff}+${datasize}) does not cover the file to its end (${buf.length})`);
  if (linkedit && dataoff < linkedit.fileoff) defects.push('the signature lies outside __LINKEDIT');
  if (dataoff % 16 !== 0) defects.push('the signature is not 16-byte aligned');
  if (dataoff + 12 > buf.length) return [...defects, 'the signature lies past the end of the file'];

  const sig = buf.subarray(dataoff, Math.min(dataoff + datasize, buf.length));
  if (sig.readUInt32BE(0) !== SUPERBLOB) return [...defects, 'the signature is not an embedded-signature SuperBlob'];
  const superLength = sig.readUInt32BE(4);
  const count = sig.readUInt32BE(8);
  if (superLength > sig.length || 12 + count * 8 > superLength) return [...defects, 'the SuperBlob is longer than the signature data'];
  const blobs = new Map<number, Buffer>();
  for (let i = 0; i < count; i++) {
    const type = sig.readUInt32BE(12 + i * 8);
    const at = sig.readUInt32BE(16 + i * 8);
    if (at + 8 > superLength || at + sig.readUInt32BE(at + 4) > superLength) {
      defects.push(`blob ${hex(type)} lies outside the SuperBlob`);
      continue;
    }
    if (blobs.has(type)) defects.push(`blob ${hex(type)} appears twice`);
    blobs.set(type, sig.subarray(at, at + sig.readUInt32BE(at + 4)));
  }
  const requirements = blobs.get(SLOT_REQUIREMENTS);
  if (requirements && requirements.readUInt32BE(0) !== REQUIREMENTS) defects.push('the requirements blob has a bad magic');
  const cms = blobs.get(SLOT_CMS);
  if (cms && (cms.readUInt32BE(0) !== BLOBWRAPPER || cms.length !== 8)) defects.push('the CMS blob is not the empty wrapper of an ad-hoc signature');
  const cd = blobs.get(SLOT_CODEDIRECTORY);
  if (!cd || cd.readUInt32BE(0) !== CODEDIRECTORY) return [...defects, 'no CodeDirectory'];
  if (cd.length < 88) return [...defects, `CodeDirectory of ${cd.length} bytes is too short for version 0x20400`];

  const version = cd.readUInt32BE(8);
  const flags = cd.readUInt32BE(12);
  const hashOffset = cd.readUInt32BE(16);
  const identOffset = cd.readUInt32BE(20);
  const nSpecial = cd.readUInt32BE(24);
  const nCode = cd.readUInt32BE(28);
  const codeLimit = cd.readUInt32BE(32);
  const hashSize = cd.readUInt8(36);
  const hashType = cd.readUInt8(37);
  const pageShift = cd.readUInt8(39);
  if (version < 0x20400) defects.push(`CodeDirectory version ${hex(version)}, expected 0x20400 or later`);
  if (!(flags & FLAG_ADHOC)) defects.push(`CodeDirectory flags ${hex(flags)} lack adhoc`);
  if (hashType !== HASH_SHA256 || hashSize !== 32) defects.push(`hash type ${hashType} size ${hashSize}, expected SHA-256 (2, 32)`);
  if (pageShift !== 12) defects.push(`page size 2^${pageShift}, expected 4096`);
  if (codeLimit !== dataoff) defects.push(`codeLimit ${codeLimit} is not the signed length ${dataoff}`);
  if (identOffset >= cd.length || !cstr(cd, identOffset, cd.length - identOffset)) defects.push('no identifier');
  if (hashOffset - nSpecial * 32 < identOffset || hashOffset + nCode * 32 > cd.length) return [...defects, 'the hash slots lie outside the CodeDirectory'];
  if (nCode !== Math.ceil(codeLimit / 4096)) defects.push(`${nCode} code slots for codeLimit ${codeLimit}`);
  const text = m.segments.find((s) => s.name === '__TEXT');
  if (text && (cd.readBigUInt64BE(64) !== BigInt(text.fileoff) || cd.readBigUInt64BE(72) !== BigInt(text.filesize))) {
    defects.push('execSegBase/execSegLimit do not describe __TEXT');
  }

  let bad = 0;
  for (let i = 0; i < nCode; i++) {
    const page = buf.subarray(i * 4096, Math.min((i + 1) * 4096, codeLimit));
    if (!sha256(page).equals(cd.subarray(hashOffset + i * 32, hashOffset + (i + 1) * 32))) {
      if (bad++ === 0) defects.push(`page ${i} (offset ${hex(i * 4096)}) does not match its hash`);
    }
  }
  if (bad) defects.push(`${bad} of ${nCode} page hashes do not match`);
  // Special slot n (n hashes before hashOffset) binds the blob of type n; unbound slots are zero.
  for (let n = 1; n <= nSpecial; n++) {
    const slot = cd.subarray(hashOffset - n * 32, hashOffset - (n - 1) * 32);
    const blob = blobs.get(n);
    const want = blob ? sha256(blob) : Buffer.alloc(32);
    if (!slot.equals(want)) defects.push(`special slot ${n} does not match ${blob ? `blob ${n}` : 'an absent blob (zeros)'}`);
  }
  if (requirements && nSpecial < SLOT_REQUIREMENTS) defects.push('the requirements blob is not bound by special slot 2');
  return defects;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function cstr(buf: Buffer, at: number, max: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end === -1 || end > at + max ? at + max : end);
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
