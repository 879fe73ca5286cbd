// The Operation that keeps multi-object commands all-or-nothing, without a cluster: creates in
// flight are awaited before the undo, undos run newest first, a create refused outright is not
// undone, and past the commit point a signal waits for done() (interrupt.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SkupperError } from '../src/errors.js';
import { hasPendingUndo, interruptNote, onInterruptSay, releaseAll, undoAll, whenReleased } from '../src/interrupt.js';
import { Operation } from '../src/operation.js';
import { renderTargetFlags } from '../src/kube/target-flags.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

test.after.each(async () => {
  await undoAll();
  releaseAll();
  onInterruptSay(undefined);
});

test('an undo waits for the create in flight, then deletes everything newest first', async () => {
  const log: string[] = [];
  const op = new Operation();
  await op.create(async () => log.push('secret made'), async () => log.push('secret deleted'));
  // The Link's create is still on its way when the signal comes: the undo must not run before it lands.
  const link = op.create(() => later(50, 'link').then((x) => (log.push('link made'), x)), async () => log.push('link deleted'));
  link.catch(() => undefined);
  assert.ok(hasPendingUndo());
  await undoAll();
  assert.equal(log, ['secret made', 'link made', 'link deleted', 'secret deleted']);
  // Anything the command tries after the undo is refused, so nothing is made behind it.
  assert.ok(await op.create(async () => log.push('made too late'), async () => undefined).then(() => false, () => true), 'refused');
  assert.not.ok(log.includes('made too late'));
});

test('a create the API server refused made nothing and is not undone; a lost answer is', async () => {
  const log: string[] = [];
  const op = new Operation();
  await op.create(() => Promise.reject(new SkupperError('CONFLICT', 'exists')), async () => log.push('deleted the other one')).catch(() => undefined);
  await op.create(() => Promise.reject(new SkupperError('TIMEOUT', 'no answer')), async () => log.push('deleted the maybe-made one')).catch(() => undefined);
  await op.undo();
  assert.equal(log, ['deleted the maybe-made one']);
});

test('run() undoes on a failure and passes the failure on', async () => {
  const log: string[] = [];
  const op = new Operation();
  const failure = await op
    .run(async (o) => {
      await o.create(async () => log.push('made'), async () => log.push('undone'));
      throw new Error('the second create failed');
    })
    .catch((err: Error) => err.message);
  assert.is(failure, 'the second create failed');
  assert.equal(log, ['made', 'undone']);
  assert.not.ok(hasPendingUndo());
});

test('past the commit point a signal neither undoes nor goes ahead until done(), which says what stands', async () => {
  const log: string[] = [];
  const op = new Operation();
  await op.create(async () => log.push('made'), async () => log.push('undone'));
  op.commit();
  let released = false;
  const waiting = whenReleased().then(() => (released = true));
  await later(20, undefined);
  assert.not.ok(released, 'the signal waits while the operation finishes');
  await undoAll();
  assert.equal(log, ['made'], 'a signal past the commit point undoes nothing');
  op.done('it all stands');
  await waiting;
  assert.ok(released);
  assert.is(interruptNote(), 'it all stands');
});

test('target flags: only those given, quoted for a shell when needed', () => {
  assert.is(renderTargetFlags({}), '');
  assert.is(renderTargetFlags({ context: 'west', namespace: 'team-a' }), ' --context west -n team-a');
  assert.is(renderTargetFlags({ kubeconfig: '/tmp/my config', namespace: 'x' }), " --kubeconfig '/tmp/my config' -n x");
  assert.is(renderTargetFlags({ context: "it's" }), " --context 'it'\\''s'");
});

test.run();
