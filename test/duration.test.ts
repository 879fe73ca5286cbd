import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseDuration } from '../src/duration.js';
import { SkupperError } from '../src/errors.js';

test('parseDuration reads Go-style durations into milliseconds', () => {
  assert.is(parseDuration('30s'), 30_000);
  assert.is(parseDuration('2m'), 120_000);
  assert.is(parseDuration('1h'), 3_600_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration('1h30m15s'), 5_415_000);
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('1m500ms'), 60_500);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration('0.25h'), 900_000);
});

test('parseDuration: "0" and zero amounts are 0', () => {
  assert.is(parseDuration('0'), 0);
  assert.is(parseDuration('0s'), 0);
  assert.is(parseDuration('0ms'), 0);
});

test('parseDuration ignores surrounding spaces', () => {
  assert.is(parseDuration(' 30s '), 30_000);
});

test('parseDuration rejects what is not a duration with a USAGE error naming the flag and value', () => {
  for (const bad of ['', ' ', 'banana', '30', '1d', '-5s', '+5s', 's', '5 s', '1h 30m', '1.5', '30S', 'ms', '1e3ms', '0x10s', '5sec']) {
    try {
      parseDuration(bad, '--timeout');
      assert.unreachable(`"${bad}" was accepted`);
    } catch (err) {
      assert.instance(err, SkupperError, `"${bad}"`);
      const e = err as SkupperError;
      assert.is(e.code, 'USAGE', `"${bad}"`);
      assert.is(e.exitCode, 2);
      assert.match(e.message, '--timeout');
      assert.match(e.message, `"${bad}"`);
      assert.not.match(e.message, '\n');
    }
  }
});

test('parseDuration names a default "duration" when no flag is given', () => {
  try {
    parseDuration('soon');
    assert.unreachable('"soon" was accepted');
  } catch (err) {
    assert.instance(err, SkupperError);
    assert.match((err as SkupperError).message, 'invalid duration "soon"');
  }
});

test('formatDuration prints durations the way Go does', () => {
  assert.is(formatDuration(15 * 60_000), '15m0s');
  assert.is(formatDuration(3 * 60_000), '3m0s');
  assert.is(formatDuration(30_000), '30s');
  assert.is(formatDuration(90_000), '1m30s');
  assert.is(formatDuration(3_600_000), '1h0m0s');
  assert.is(formatDuration(5_415_000), '1h30m15s');
  assert.is(formatDuration(500), '500ms');
  assert.is(formatDuration(1000), '1s');
  assert.is(formatDuration(0), '0s');
  assert.is(formatDuration(1500), '1.5s');
  assert.is(formatDuration(61_250), '1m1.25s');
});

test('formatDuration and parseDuration round-trip whole seconds', () => {
  for (const ms of [1000, 30_000, 60_000, 61_000, 15 * 60_000, 3_600_000, 3_661_000, 26 * 3_600_000]) {
    assert.is(parseDuration(formatDuration(ms)), ms, formatDuration(ms));
  }
});

test.run();
