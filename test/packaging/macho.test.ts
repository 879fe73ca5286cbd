// The macOS executable's signature, proved without a Mac: a darwin single executable built the way
// `npm run package` builds it (scripts/package-sea.mjs: Node's signature removed, SEA blob injected,
// signed ad hoc by scripts/macho-sign.mjs) must pass our verifier (test/support/macho-verify.ts)
// and go-macho's reading (test/packaging/macho-check), and both must reject broken variants.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CPU_TYPE_X86_64, readMachO, verifyMachO } from '../support/macho-verify.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The .mjs packaging helpers (plain JS, no types).
const sea = (await import(join(root, 'scripts', 'package-sea.mjs'))) as {
  buildSea(o: { main: string; output: string; nodePlatform: string; version: string; useCodeCache: boolean; workDir: string }): Promise<{ blob: string }>;
  nodeBase(platform: string, version: string): string;
  DARWIN_NODE_VERSION: string;
};
const signer = (await import(join(root, 'scripts', 'macho-sign.mjs'))) as {
  removeSignature(b: Buffer): Buffer;
  signAdHoc(b: Buffer, id: string): Buffer;
};

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface Ctx {
  work: string;
  good: string;
  blob: Buffer;
  blobFile: string;
  macho: Buffer;
}
const t = suite<Ctx>('darwin signature');

/** go-macho's verdict: "ok", or the defects it reports (exit 1), or that it cannot parse (exit 2). */
function goMacho(file: string, blobFile?: string): { ok: boolean; output: string } {
  const checker = execFileSync('bash', [join(root, 'test', 'packaging', 'macho-check', 'build.sh')], { encoding: 'utf8' }).trim();
  const r = spawnSync(checker, blobFile ? [file, blobFile] : [file], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `macho-check crashed: ${r.status} ${r.stderr}`);
  return { ok: r.status === 0 && r.stdout.trim() === 'ok', output: r.stdout + r.stderr };
}

/** Writes `bytes` as a variant and asks both readers; both must find it broken. */
function bothReject(ctx: Ctx, name: string, bytes: Buffer, expected: RegExp): void {
  const file = join(ctx.work, name);
  writeFileSync(file, bytes);
  const ours = verifyMachO(bytes, { cputype: CPU_TYPE_X86_64, blob: ctx.blob });
  assert.ok(ours.length > 0, `our verifier accepted ${name}`);
  assert.match(ours.join('\n'), expected, ours.join('; '));
  const theirs = goMacho(file, ctx.blobFile);
  assert.not.ok(theirs.ok, `go-macho accepted ${name}: ${theirs.output}`);
}

t.before(async (ctx) => {
  ctx.work = mkdtempSync(join(tmpdir(), 'ks-macho-'));
  const main = join(ctx.work, 'main.cjs');
  writeFileSync(main, 'console.log("hello from a signed mac executable");\n');
  ctx.good = join(ctx.work, 'kubectl-skupper-darwin-amd64');
  const { blob } = await sea.buildSea({ main, output: ctx.good, nodePlatform: 'darwin-x64', version: sea.DARWIN_NODE_VERSION, useCodeCache: false, workDir: ctx.work });
  ctx.blobFile = blob;
  ctx.blob = readFileSync(blob);
  ctx.macho = readFileSync(ctx.good);
});

t.after((ctx) => {
  rmSync(ctx.work, { recursive: true, force: true });
});

t('the packaged darwin executable passes our verifier and go-macho, and holds our blob', (ctx) => {
  assert.equal(verifyMachO(ctx.macho, { cputype: CPU_TYPE_X86_64, blob: ctx.blob }), []);
  const theirs = goMacho(ctx.good, ctx.blobFile);
  assert.ok(theirs.ok, theirs.output);
  assert.ok(ctx.macho.includes(`${SEA_FUSE}:1`));
  assert.ok(ctx.macho.includes('hello from a signed mac executable'));
  // Both readers are also told the wrong blob, and notice.
  const other = join(ctx.work, 'other.blob');
  writeFileSync(other, Buffer.concat([ctx.blob.subarray(0, -1), Buffer.from([ctx.blob.at(-1)! ^ 1])]));
  assert.not.ok(goMacho(ctx.good, other).ok);
  assert.match(verifyMachO(ctx.macho, { cputype: CPU_TYPE_X86_64, blob: readFileSync(other) }).join('\n'), /NODE_SEA blob/);
});

t('one flipped byte in the code is refused by both readers', (ctx) => {
  const bytes = Buffer.from(ctx.macho);
  const at = 0x1000 * 100 + 7; // inside __TEXT
  bytes[at] = bytes[at]! ^ 0xff;
  bothReject(ctx, 'flipped', bytes, /page 100 .* does not match its hash/);
});

t('a truncated signature is refused by both readers', (ctx) => {
  bothReject(ctx, 'truncated', ctx.macho.subarray(0, ctx.macho.length - 4096), /does not cover the file to its end|past the end/);
});

t("Node's own signature left in place after injection is refused by both readers", (ctx) => {
  // postject (LIEF) drops LC_CODE_SIGNATURE while injecting, so an injector that keeps it is
  // played here: Node's original SuperBlob stays as the file's signature after the blob went in.
  const base = readFileSync(sea.nodeBase('darwin-x64', sea.DARWIN_NODE_VERSION));
  const { dataoff: oldOff, datasize: oldSize } = readMachO(base).signatures[0]!;
  const apple = base.subarray(oldOff, oldOff + oldSize);
  // The injected file with our signature's layout (LC_CODE_SIGNATURE, __LINKEDIT), Node's SuperBlob
  // in place of ours.
  const laidOut = ctx.macho;
  const { dataoff } = readMachO(laidOut).signatures[0]!;
  const bytes = Buffer.concat([laidOut.subarray(0, dataoff), apple]);
  const grow = apple.length - (laidOut.length - dataoff);
  for (let off = 32, i = 0; i < bytes.readUInt32LE(16); i++, off += bytes.readUInt32LE(off + 4)) {
    if (bytes.readUInt32LE(off) === 0x1d) bytes.writeUInt32LE(apple.length, off + 12);
    if (bytes.readUInt32LE(off) === 0x19 && bytes.toString('latin1', off + 8, off + 18) === '__LINKEDIT') {
      bytes.writeBigUInt64LE(bytes.readBigUInt64LE(off + 48) + BigInt(grow), off + 48);
      bytes.writeBigUInt64LE(bytes.readBigUInt64LE(off + 32) + BigInt(Math.ceil(grow / 4096) * 4096), off + 32);
    }
  }
  bothReject(ctx, 'still-signed', bytes, /does not match its hash/);
  // Node's signature is a real one: not ad hoc, with a CMS signature.
  assert.match(verifyMachO(bytes, { cputype: CPU_TYPE_X86_64 }).join('\n'), /not the empty wrapper of an ad-hoc signature/);
});

t('a signature for another page size, or without adhoc, is refused by our verifier', (ctx) => {
  const { dataoff } = readMachO(ctx.macho).signatures[0]!;
  const sig = ctx.macho.subarray(dataoff);
  const cdAt = dataoff + sig.readUInt32BE(16); // the first index entry is the CodeDirectory
  const pages = Buffer.from(ctx.macho);
  pages[cdAt + 39] = 14;
  assert.match(verifyMachO(pages, { cputype: CPU_TYPE_X86_64 }).join('\n'), /page size 2\^14/);
  const flags = Buffer.from(ctx.macho);
  flags.writeUInt32BE(0, cdAt + 12);
  assert.match(verifyMachO(flags, { cputype: CPU_TYPE_X86_64 }).join('\n'), /lack adhoc/);
  assert.match(verifyMachO(ctx.macho, { cputype: 0x0100000c }).join('\n'), /cputype 0x1000007, expected 0x100000c/);
});

t("removeSignature gives what codesign --remove-signature does; signing twice is refused", (ctx) => {
  const original = readFileSync(sea.nodeBase('darwin-x64', sea.DARWIN_NODE_VERSION));
  const signed = readMachO(original);
  assert.is(signed.signatures.length, 1, "Node's darwin binary comes signed");
  const bare = signer.removeSignature(original);
  const m = readMachO(bare);
  assert.is(m.signatures.length, 0);
  assert.is(bare.length, signed.signatures[0]!.dataoff);
  const linkedit = m.segments.find((s) => s.name === '__LINKEDIT')!;
  assert.is(linkedit.fileoff + linkedit.filesize, bare.length);
  // Everything before the old signature is untouched apart from the header.
  const header = 32 + bare.readUInt32LE(20) + 16;
  assert.ok(bare.subarray(header, bare.length).equals(original.subarray(header, bare.length)));
  assert.throws(() => signer.signAdHoc(ctx.macho, 'kubectl-skupper'), /already signed/);
  // Signing the bare Node gives a file our verifier accepts (no NODE_SEA: only that is reported).
  assert.equal(verifyMachO(signer.signAdHoc(bare, 'node'), { cputype: CPU_TYPE_X86_64 }), [
    'no NODE_SEA segment with a __NODE_SEA_BLOB section',
    'the SEA fuse is not set',
  ]);
});

t.run();
