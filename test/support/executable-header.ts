// What an executable file is for, read from its header: the format (ELF, Mach-O, PE) and the CPU.
// The krew test checks that each platform's archive installs the executable for that platform.

export interface ExecutableKind {
  format: 'ELF' | 'Mach-O' | 'PE' | 'unknown';
  cpu: 'x86-64' | 'arm64' | 'other';
}

export function executableKind(buf: Buffer): ExecutableKind {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    // e_machine, little-endian in a little-endian (EI_DATA 1) 64-bit (EI_CLASS 2) ELF.
    const machine = buf[4] === 2 && buf[5] === 1 ? buf.readUInt16LE(18) : -1;
    return { format: 'ELF', cpu: machine === 62 ? 'x86-64' : machine === 183 ? 'arm64' : 'other' };
  }
  if (buf.length >= 8 && buf.readUInt32LE(0) === 0xfeedfacf) {
    const cputype = buf.readUInt32LE(4);
    return { format: 'Mach-O', cpu: cputype === 0x01000007 ? 'x86-64' : cputype === 0x0100000c ? 'arm64' : 'other' };
  }
  if (buf.length >= 64 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(60);
    if (pe + 6 <= buf.length && buf.readUInt32BE(pe) === 0x50450000) {
      const machine = buf.readUInt16LE(pe + 4);
      return { format: 'PE', cpu: machine === 0x8664 ? 'x86-64' : machine === 0xaa64 ? 'arm64' : 'other' };
    }
  }
  return { format: 'unknown', cpu: 'other' };
}
