// Mach-O code signatures for the macOS single executable, written here because `codesign` exists
// only on macOS. Two operations on a thin 64-bit little-endian Mach-O in memory:
//  - removeSignature: what `codesign --remove-signature` does. Node's official binary is signed;
//    injecting the SEA blob invalidates that signature and macOS kills a process whose signature is
//    present but wrong, so it goes before postject.
//  - signAdHoc: what `codesign --sign -` does for a bare executable. An ad-hoc signature is a
//    SuperBlob holding a CodeDirectory (SHA-256 of every 4 KiB page up to the signature, the
//    identifier, flag `adhoc`), an empty requirements set and an empty CMS wrapper: no key, no
//    certificate, nothing secret. Apple silicon requires one for native code; x86-64 runs with it.
// Layout (Apple's xnu cs_blobs.h, cctools loader.h): big-endian blobs inside little-endian Mach-O.
// test/support/macho-verify.ts checks the result independently of this file.
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const MH_EXECUTE = 2;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CD_VERSION = 0x20400; // with execSeg fields, what current codesign writes
const CD_HEADER_SIZE = 88; // the v0x20400 header, through execSegFlags
const PAGE_SHIFT = 12; // code pages of 4 KiB, also on arm64
const PAGE = 1 << PAGE_SHIFT;
const HASH_SIZE = 32;
const SPECIAL_SLOTS = 2; // slot 1 Info.plist (none: zeros), slot 2 requirements

/** The header and load commands of a thin 64-bit Mach-O, with the two we edit located. */
function parse(buf, { loose = false } = {}) {
  if (buf.length < 32 || buf.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new Error('not a thin 64-bit little-endian Mach-O (a universal binary must be split first)');
  }
  const header = { cputype: buf.readUInt32LE(4), filetype: buf.readUInt32LE(12), ncmds: buf.readUInt32LE(16), sizeofcmds: buf.readUInt32LE(20) };
  const commands = [];
  const segments = [];
  let off = 32;
  for (let i = 0; i < header.ncmds; i++) {
    const cmd = buf.readUInt32LE(off);
    const cmdsize = buf.readUInt32LE(off + 4);
    if (cmdsize < 8 || off + cmdsize > 32 + header.sizeofcmds) throw new Error(`load command ${i} overruns the load commands`);
    commands.push({ cmd, cmdsize, off });
    if (cmd === LC_SEGMENT_64) {
      const seg = {
        off,
        name: buf.toString('latin1', off + 8, off + 24).replace(/\0+$/, ''),
        vmsize: buf.readBigUInt64LE(off + 32),
        fileoff: Number(buf.readBigUInt64LE(off + 40)),
        filesize: Number(buf.readBigUInt64LE(off + 48)),
        sections: [],
      };
      const nsects = buf.readUInt32LE(off + 64);
      for (let s = 0; s < nsects; s++) {
        const so = off + 72 + s * 80;
        const flags = buf.readUInt32LE(so + 64);
        seg.sections.push({ offset: buf.readUInt32LE(so + 48), size: Number(buf.readBigUInt64LE(so + 40)), zerofill: (flags & 0xff) === 1 || (flags & 0xff) === 12 || (flags & 0xff) === 18 });
      }
      segments.push(seg);
    }
    off += cmdsize;
  }
  const linkedit = segments.find((s) => s.name === '__LINKEDIT');
  if (!linkedit) throw new Error('no __LINKEDIT segment');
  if (!loose && linkedit.fileoff + linkedit.filesize !== buf.length) throw new Error('__LINKEDIT does not end where the file ends');
  const signature = commands.find((c) => c.cmd === LC_CODE_SIGNATURE);
  return { header, commands, segments, linkedit, signature };
}

/** The segment's vmsize for a file size: rounded up to the VM page of the CPU (16 KiB on arm64). */
function vmSize(cputype, filesize) {
  const vmPage = cputype === 0x0100000c ? 0x4000 : 0x1000;
  return BigInt(Math.ceil(filesize / vmPage) * vmPage);
}

function setLinkedit(buf, m, filesize) {
  buf.writeBigUInt64LE(vmSize(m.header.cputype, filesize), m.linkedit.off + 32);
  buf.writeBigUInt64LE(BigInt(filesize), m.linkedit.off + 48);
}

/** A copy of `input` without its code signature (unchanged copy when it has none). */
export function removeSignature(input) {
  const buf = Buffer.from(input);
  const m = parse(buf);
  if (!m.signature) return buf;
  const dataoff = buf.readUInt32LE(m.signature.off + 8);
  const datasize = buf.readUInt32LE(m.signature.off + 12);
  if (dataoff + datasize !== buf.length || dataoff < m.linkedit.fileoff) {
    throw new Error('the code signature is not at the end of __LINKEDIT; refusing to guess');
  }
  // Drop the load command: later commands move up, the freed bytes become header padding again.
  const end = 32 + m.header.sizeofcmds;
  const { off, cmdsize } = m.signature;
  buf.copy(buf, off, off + cmdsize, end);
  buf.fill(0, end - cmdsize, end);
  buf.writeUInt32LE(m.header.ncmds - 1, 16);
  buf.writeUInt32LE(m.header.sizeofcmds - cmdsize, 20);
  // __LINKEDIT now ends where the signature began (its command may have moved up).
  const trimmed = buf.subarray(0, dataoff);
  const after = parse(trimmed, { loose: true });
  setLinkedit(trimmed, after, dataoff - after.linkedit.fileoff);
  parse(trimmed); // throws unless the result is consistent
  return trimmed;
}

function blobHeader(magic, length) {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(length, 4);
  return b;
}

/**
 * `input` (unsigned, see removeSignature) signed ad hoc with `identifier`, as a new Buffer: an
 * LC_CODE_SIGNATURE in the header's padding, __LINKEDIT grown to the signature at the file's end.
 */
export function signAdHoc(input, identifier) {
  const m0 = parse(input);
  if (m0.signature) throw new Error('the file is already signed; remove the signature first');
  if (m0.header.filetype !== MH_EXECUTE) throw new Error('only executables (MH_EXECUTE) are signed here');
  const text = m0.segments.find((s) => s.name === '__TEXT');
  if (!text) throw new Error('no __TEXT segment');
  // The new load command needs 16 free bytes between the load commands and the first section.
  const firstData = Math.min(...m0.segments.flatMap((s) => s.sections.filter((x) => !x.zerofill && x.size > 0).map((x) => x.offset)));
  const cmdsEnd = 32 + m0.header.sizeofcmds;
  if (firstData - cmdsEnd < 16 || input.subarray(cmdsEnd, cmdsEnd + 16).some((b) => b !== 0)) {
    throw new Error('no room in the Mach-O header for LC_CODE_SIGNATURE');
  }

  // The signature starts 16-byte aligned; codeLimit is where it starts: everything before is hashed.
  const codeLimit = Math.ceil(input.length / 16) * 16;
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nCodeSlots = Math.ceil(codeLimit / PAGE);
  const requirements = Buffer.concat([blobHeader(CSMAGIC_REQUIREMENTS, 12), Buffer.alloc(4)]); // count 0
  const cms = blobHeader(CSMAGIC_BLOBWRAPPER, 8); // no CMS signature: ad hoc
  const identOffset = CD_HEADER_SIZE;
  const hashOffset = identOffset + ident.length + SPECIAL_SLOTS * HASH_SIZE;
  const cdLength = hashOffset + nCodeSlots * HASH_SIZE;
  const superHeader = 12 + 3 * 8;
  const superLength = superHeader + cdLength + requirements.length + cms.length;
  const datasize = Math.ceil(superLength / 16) * 16;

  // The file as it will be, header edits first: page 0 (the header) is hashed too.
  const out = Buffer.alloc(codeLimit + datasize);
  input.copy(out, 0);
  out.writeUInt32LE(LC_CODE_SIGNATURE, cmdsEnd);
  out.writeUInt32LE(16, cmdsEnd + 4);
  out.writeUInt32LE(codeLimit, cmdsEnd + 8);
  out.writeUInt32LE(datasize, cmdsEnd + 12);
  out.writeUInt32LE(m0.header.ncmds + 1, 16);
  out.writeUInt32LE(m0.header.sizeofcmds + 16, 20);
  setLinkedit(out, m0, codeLimit + datasize - m0.linkedit.fileoff);

  const cd = Buffer.alloc(cdLength);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cdLength, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(identOffset, 20);
  cd.writeUInt32BE(SPECIAL_SLOTS, 24);
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd.writeUInt8(HASH_SIZE, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform
  cd.writeUInt8(PAGE_SHIFT, 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: all 0
  cd.writeBigUInt64BE(BigInt(text.fileoff), 64); // execSegBase
  cd.writeBigUInt64BE(BigInt(text.filesize), 72); // execSegLimit
  cd.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 80);
  ident.copy(cd, identOffset);
  // Special slot -n sits n hashes before hashOffset; slot 1 (Info.plist) stays zero.
  sha(requirements).copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let i = 0; i < nCodeSlots; i++) {
    sha(out.subarray(i * PAGE, Math.min((i + 1) * PAGE, codeLimit))).copy(cd, hashOffset + i * HASH_SIZE);
  }

  const index = Buffer.alloc(superHeader);
  index.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  index.writeUInt32BE(superLength, 4);
  index.writeUInt32BE(3, 8);
  const blobs = [[CSSLOT_CODEDIRECTORY, cd], [CSSLOT_REQUIREMENTS, requirements], [CSSLOT_SIGNATURESLOT, cms]];
  let at = superHeader;
  blobs.forEach(([type, blob], i) => {
    index.writeUInt32BE(type, 12 + i * 8);
    index.writeUInt32BE(at, 16 + i * 8);
    at += blob.length;
  });
  Buffer.concat([index, ...blobs.map(([, b]) => b)]).copy(out, codeLimit);
  return out;
}

function sha(data) {
  return createHash('sha256').update(data).digest();
}
