// Selectors matched here (one pod list for many connectors) agree with kubectl's meaning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matcherOf } from '../../src/service/selector-match.js';

const pod = { app: 'backend', tier: 'api', canary: 'true' };

test('equality, inequality, set-based and existence requirements, joined by commas', () => {
  const cases: [string, boolean][] = [
    ['app=backend', true],
    ['app==backend', true],
    ['app=frontend', false],
    ['app!=frontend', true],
    ['missing!=x', true],
    ['app=backend,tier=api', true],
    ['app=backend,tier=web', false],
    ['tier in (web, api)', true],
    ['tier in (web)', false],
    ['missing in (a)', false],
    ['tier notin (web)', true],
    ['missing notin (a)', true],
    ['canary', true],
    ['!canary', false],
    ['!missing', true],
    ['app = backend , tier in (api,web)', true],
  ];
  for (const [selector, expected] of cases) assert.is(matcherOf(selector)!(pod), expected, selector);
});

test('what it does not read is left to the API server', () => {
  for (const selector of ['replicas>1', 'a=b,', '(x)', '']) assert.is(matcherOf(selector), undefined, selector);
});

test.run();
