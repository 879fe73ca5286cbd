import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inputError, SkupperError, usageError, type ErrorCode } from '../src/errors.js';

const ALL: ErrorCode[] = ['USAGE', 'INPUT', 'CONFIG', 'UNREACHABLE', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CRDS_MISSING', 'CONFLICT', 'INVALID', 'TIMEOUT', 'NOT_READY', 'IO', 'API'];

test('exit code 2 for USAGE and INPUT', () => {
  assert.is(new SkupperError('USAGE', 'x').exitCode, 2);
  assert.is(new SkupperError('INPUT', 'x').exitCode, 2);
});

test('exit code 1 for every other code', () => {
  for (const code of ALL.filter((c) => c !== 'USAGE' && c !== 'INPUT')) {
    assert.is(new SkupperError(code, 'x').exitCode, 1, code);
  }
});

test('SkupperError carries code, message, name and cause', () => {
  const cause = new Error('root');
  const err = new SkupperError('API', 'it failed', { cause });
  assert.instance(err, Error);
  assert.is(err.code, 'API');
  assert.is(err.message, 'it failed');
  assert.is(err.name, 'SkupperError');
  assert.is(err.cause, cause);
  assert.is(new SkupperError('API', 'no cause').cause, undefined);
});

test('usageError and inputError make USAGE and INPUT errors', () => {
  const usage = usageError('bad flag');
  assert.instance(usage, SkupperError);
  assert.is(usage.code, 'USAGE');
  assert.is(usage.message, 'bad flag');
  assert.is(usage.exitCode, 2);
  const input = inputError('bad file');
  assert.instance(input, SkupperError);
  assert.is(input.code, 'INPUT');
  assert.is(input.message, 'bad file');
  assert.is(input.exitCode, 2);
});

test.run();
