// Files that hold secrets (private keys, tokens): written 0600, atomically (a temp file in the same
// folder, then rename), and never over an existing file unless asked: a half-written or clobbered
// credential is worse than none.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError } from '../errors.js';

export async function writeSecretFile(path: string, content: string, opts: { overwrite?: boolean } = {}): Promise<string> {
  const target = resolve(path);
  const folder = dirname(target);
  if (!existsSync(folder)) throw inputError(`cannot write ${path}: folder ${folder} does not exist`);
  if (!opts.overwrite && existsSync(target)) throw inputError(`${path} already exists: remove it or choose another file name`);
  const temp = join(folder, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    // The temp file may never have existed (its folder is a file, say): that must not hide why.
    await rm(temp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw inputError(`cannot write ${path}: permission denied`);
    if (code === 'ENOTDIR') throw inputError(`cannot write ${path}: ${folder} is not a folder`);
    if (code === 'EISDIR') throw inputError(`cannot write ${path}: it is a folder; give a file name`);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw inputError(`cannot write ${path}: no space left on the device`);
    throw err;
  }
  return target;
}
