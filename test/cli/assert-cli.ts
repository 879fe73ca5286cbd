// Assertions shared by the command-frame tests: how a failed invocation must look.
import * as assert from 'uvu/assert';
import type { PluginResult } from '../support/plugin.js';

/** Fails unless the run failed with `code`, printed nothing on stdout and exactly one "error:" line on stderr; returns that line. */
export function failsWith(result: PluginResult, code: number, what: string): string {
  assert.is(result.stdout, '', `${what}: stdout must stay empty on error, got ${JSON.stringify(result.stdout)}`);
  assert.is(result.code, code, `${what}: exit code (stderr: ${JSON.stringify(result.stderr)})`);
  assert.ok(result.stderr.endsWith('\n'), `${what}: stderr ends with a newline: ${JSON.stringify(result.stderr)}`);
  const lines = result.stderr.slice(0, -1).split('\n');
  assert.is(lines.length, 1, `${what}: exactly one line on stderr, got ${JSON.stringify(result.stderr)}`);
  const line = lines[0]!;
  assert.match(line, /^error: \S/, `${what}: the line starts with "error: "`);
  return line;
}

/** A usage error: exit code 2. */
export function usageFails(result: PluginResult, what: string): string {
  return failsWith(result, 2, what);
}
