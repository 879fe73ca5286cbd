// src/files/secret-file.ts: 0600, atomic, and nothing left when a signal's undo runs mid-write.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeSecretFile } from '../../src/files/secret-file.js';
import { hasPendingUndo, undoAll } from '../../src/interrupt.js';

test('written whole, mode 0600, never over an existing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-secret-file-'));
  try {
    const path = join(dir, 'token.yaml');
    await writeSecretFile(path, 'code: x\n');
    assert.is(readFileSync(path, 'utf8'), 'code: x\n');
    assert.is(statSync(path).mode & 0o777, 0o600);
    await writeSecretFile(path, 'other\n').then(() => assert.unreachable('overwrote'), (err: Error) => assert.match(err.message, /already exists/));
    assert.equal(readdirSync(dir), ['token.yaml']);
    assert.is(hasPendingUndo(), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the undo of a signal that lands while the file is being written leaves no file and no temp file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-secret-file-'));
  try {
    // The write is under way (its open() in flight) when the signal's undo runs.
    const writing = writeSecretFile(join(dir, 'link.yaml'), 'x'.repeat(1 << 20)).then(() => 'written', (err: Error) => err.message);
    assert.is(await undoAll(), 1);
    assert.match(await writing, /interrupted before .*link\.yaml was written/);
    assert.equal(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
