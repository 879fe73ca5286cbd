// Files that hold secrets (private keys, tokens): written 0600, atomically (a temp file in the same
// folder, then rename), and never over an existing file unless asked: a half-written or clobbered
// credential is worse than none.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { inputError, SkupperError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';

/** Why a path cannot be written, for the errors a different path would fix. */
const PATH_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EINVAL: 'the file system does not accept this name',
  EEXIST: 'it already exists',
};

/**
 * A path that names a stream or device rather than a file (/dev/null, /dev/stdout, /dev/fd/3, a
 * FIFO): written in place, as a shell redirection would, with no temp file, rename or mode to set.
 */
export function isDeviceTarget(path: string): boolean {
  const target = resolve(path);
  // /dev/stdout may lead to a regular file (`> out.yaml`), which must not be refused as existing.
  if (/^\/(dev|proc\/self)\/(stdout|stderr|fd\/\d+)$/.test(target)) return true;
  try {
    const info = statSync(target);
    return info.isCharacterDevice() || info.isFIFO() || info.isSocket() || info.isBlockDevice();
  } catch {
    return false;
  }
}

/** The command's own output streams, which /dev/stdout and /dev/stderr name. */
export interface OwnStreams {
  stdout: Writable;
  stderr: Writable;
}

export async function writeSecretFile(path: string, content: string, opts: { overwrite?: boolean; streams?: OwnStreams } = {}): Promise<string> {
  if (path === '') throw inputError('the file name is empty: name a file, or leave the flag out to print to stdout');
  const target = resolve(path);
  // Our own stdout or stderr: written through the stream (reopening it fails for a socket, ENXIO).
  const own = /^\/(dev|proc\/self)\/(stdout|stderr|fd\/[12])$/.exec(target);
  if (own && opts.streams) {
    const stream = /stdout|fd\/1/.test(own[2]!) ? opts.streams.stdout : opts.streams.stderr;
    await new Promise<void>((done, fail) => stream.write(content, (err) => (err ? fail(new SkupperError('IO', `cannot write ${path}: ${err.message}`, { cause: err })) : done())));
    return target;
  }
  if (isDeviceTarget(target)) return writeDevice(path, target, content);
  const folder = dirname(target);
  if (!existsSync(folder)) throw inputError(`cannot write ${path}: folder ${folder} does not exist`);
  if (existsSync(target) && statSync(target).isDirectory()) throw inputError(`cannot write ${path}: it is a folder; name a file in it`);
  if (!opts.overwrite && existsSync(target)) throw inputError(`${path} already exists: remove it or choose another file name`);
  const temp = join(folder, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  // Interrupted mid-write: the temp file goes, the target was never touched. The undo waits for the
  // step in flight, or an open() still under way would make the temp file after rm() ran.
  let interrupted = false;
  let steps: Promise<void> = Promise.resolve();
  const written = onInterrupt(async () => {
    interrupted = true;
    await steps.catch(() => undefined);
    await rm(temp, { force: true });
  });
  try {
    steps = (async () => {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (interrupted) throw new SkupperError('IO', `interrupted before ${path} was written`);
      await rename(temp, target);
    })();
    await steps;
    written();
  } catch (err) {
    written();
    await rm(temp, { force: true }).catch(() => {}); // the temp file may never have existed
    if (err instanceof SkupperError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const problem = PATH_PROBLEMS[code];
    if (problem) throw inputError(`cannot write ${path}: ${problem} (${code}); choose another file name`);
    // Disk full, quota, I/O error: the path is fine, the operation failed.
    throw new SkupperError('IO', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  return target;
}

/** Appends to a device or stream: O_APPEND keeps what a redirected stdout already holds. */
async function writeDevice(path: string, target: string, content: string): Promise<string> {
  try {
    const handle = await open(target, 'a');
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EPIPE') throw new SkupperError('IO', `cannot write ${path}: nothing reads it any more (EPIPE)`, { cause: err });
    throw new SkupperError('IO', `cannot write ${path}: ${PATH_PROBLEMS[code] ?? (err as Error).message}${code ? ` (${code})` : ''}`, { cause: err });
  }
  return target;
}
