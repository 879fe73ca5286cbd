// The kubeconfig reader must give exactly what yaml's parse() gives, or decline: over every
// kubeconfig fixture, over generated documents in yaml's and kubectl's styles, and for each
// construct it leaves to yaml. It must also read the shapes people have, or it saves nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { readKubeconfigYaml } from '../../src/kube/kubeconfig-yaml.js';

const fixtures = fileURLToPath(new URL('../fixtures/kubeconfig/', import.meta.url));
const filesIn = (dir: string) => readdirSync(join(fixtures, dir)).filter((f) => /\.(yaml|json)$/.test(f)).map((f) => join(fixtures, dir, f));
const ALL = [...filesIn('corpus'), ...filesIn('shapes'), ...filesIn(''), ...filesIn('nested'), join(fixtures, 'home', '.kube', 'config')];
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

/** Declined, or the very value yaml gives; when yaml rejects the text, declined. */
function agrees(text: string): { declined: boolean; why?: string } {
  const fast = readKubeconfigYaml(text);
  let full: unknown;
  try {
    full = parse(text, { logLevel: 'error' });
  } catch (err) {
    return fast === undefined ? { declined: true } : { declined: false, why: `yaml rejects it (${(err as Error).message.split('\n')[0]}), the reader gave ${JSON.stringify(fast)}` };
  }
  if (fast === undefined) return { declined: true };
  return isDeepStrictEqual(fast, full) ? { declined: false } : { declined: false, why: `reader ${JSON.stringify(fast)} != yaml ${JSON.stringify(full)}` };
}

test('every kubeconfig fixture, and its CRLF form: declined or exactly what yaml gives', () => {
  assert.ok(ALL.length >= 30, `found only ${ALL.length} fixtures`);
  for (const file of ALL) {
    const text = readFileSync(file, 'utf8');
    for (const [form, t] of [['LF', text], ['CRLF', crlf(text)]] as const) {
      const result = agrees(t);
      assert.not.ok(result.why, `${file} (${form}): ${result.why}`);
    }
  }
});

test('the shapes kubectl, kind, k3s, the cloud CLIs and people write are read, not declined', () => {
  const declined = ALL.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return readKubeconfigYaml(text) === undefined || readKubeconfigYaml(crlf(text)) === undefined;
  }).map((f) => f.slice(fixtures.length));
  // Flow mappings with content (the corpus writes contexts as {cluster: k, user: u}), a block
  // scalar (az aks writes kubelogin's installHint as one) and broken YAML are left to yaml.
  const expected = [
    ...filesIn('corpus').map((f) => f.slice(fixtures.length)),
    'invalid.yaml',
    'shapes/aks.yaml',
  ].sort();
  assert.equal(declined.sort(), expected);
  const gke = readKubeconfigYaml(readFileSync(join(fixtures, 'shapes', 'gke.yaml'), 'utf8')) as { users: { user: { exec: { installHint: string } } }[] };
  assert.is(gke.users[0]!.user.exec.installHint, 'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin');
});

test('scalars are typed as the core schema types them', () => {
  const doc = readKubeconfigYaml('a: true\nb: false\nc: null\nd: ~\ne:\nf: 6443\ng: 0\nh: yes\ni: NaN\nj: 1.2.3.4:6443\nk: "true"\nl: \'1e3\'\nm: --region\nn: a #b\no: a#b\np: "\\x41\\u00e9\\U0001F600\\/\\t"\nq: \'it\'\'s\'\nr: https://h:1/p?q=1&x=[a]\n');
  assert.equal(doc, {
    a: true, b: false, c: null, d: null, e: null, f: 6443, g: 0, h: 'yes', i: 'NaN', j: '1.2.3.4:6443', k: 'true', l: '1e3', m: '--region',
    n: 'a', o: 'a#b', p: 'Aé😀/\t', q: "it's", r: 'https://h:1/p?q=1&x=[a]',
  });
});

const DECLINED: [string, string][] = [
  ['anchor and alias', 'a: &x 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['literal block scalar', 'a: |\n  text\n'],
  ['folded block scalar', 'a: >-\n  text\n'],
  ['multi-line quoted scalar', 'a: "one\n  two"\n'],
  ['multi-line single-quoted scalar', "a: 'one\n  two'\n"],
  ['plain scalar continued after a blank line', 'a: one\n\n  two\n'],
  ['plain scalar continued after a comment', 'a: one # c\n  two\n'],
  ['scalar on the line after its key', 'a:\n  text\n'],
  ['flow mapping with content', 'a: {b: c}\n'],
  ['flow sequence with content', 'a: [b, c]\n'],
  ['complex key', '? a\n: b\n'],
  ['two documents', 'a: 1\n---\nb: 2\n'],
  ['document end marker', 'a: 1\n...\n'],
  ['directive', '%YAML 1.1\n---\na: yes\n'],
  ['tab indentation', 'a:\n\tb: c\n'],
  ['tab after a value', 'a: b\t# c\n'],
  ['duplicate key', 'a: 1\na: 2\n'],
  ['duplicate key, one quoted', 'a: 1\n"a": 2\n'],
  ['JSON duplicate key', '{"a": 1, "a": 2}'],
  ['merge key', 'a: 1\n<<: {b: 2}\n'],
  ['__proto__ key', '__proto__: 1\n'],
  ['JSON __proto__ key', '{"__proto__": {"a": 1}}'],
  ['numeric key', '1: a\n'],
  ['boolean key', 'true: a\n'],
  ['key with a space', 'a b: c\n'],
  ['BOM', '\ufeffa: 1\n'],
  ['lone CR line breaks', 'a: 1\rb: 2\r'],
  ['capitalised boolean', 'a: True\n'],
  ['upper-case null', 'a: NULL\n'],
  ['hex', 'a: 0x1F\n'],
  ['octal', 'a: 0o17\n'],
  ['leading-zero integer', 'a: 007\n'],
  ['float', 'a: 1.5\n'],
  ['exponent', 'a: 1e3\n'],
  ['leading-dot float', 'a: .5\n'],
  ['negative integer', 'a: -1\n'],
  ['signed integer', 'a: +1\n'],
  ['infinity', 'a: .inf\n'],
  ['integer past 2^53', 'a: 9007199254740993\n'],
  ['JSON float', '{"a": 1.5}'],
  ['JSON negative number', '{"a": -1}'],
  ['nested mapping in a value', 'a: b: c\n'],
  ['value ending in a colon', 'a: b:\n'],
  ['unknown escape', 'a: "\\q"\n'],
  ['escape past Unicode', 'a: "\\UFFFFFFFF"\n'],
  ['trailing text after a quoted scalar', 'a: "b" c\n'],
  ['comment without a space after a quoted scalar', 'a: "b"#c\n'],
  ['sequence entry inside a sequence entry', 'a:\n- - b\n'],
  ['mis-indented mapping', 'a:\n    b: 1\n  c: 2\n'],
  ['root sequence', '- a\n- b\n'],
  ['root scalar', 'just text\n'],
  ['reserved indicator', 'a: @b\n'],
  ['flow indicator first', 'a: ,b\n'],
  ['JSON with a comment', '{"a": 1} # c\n'],
  ['YAML flow mapping at the root', '{a: 1}\n'],
];

test('each construct outside the subset is declined, whatever yaml makes of it', () => {
  for (const [name, text] of DECLINED) {
    assert.is(readKubeconfigYaml(text), undefined, `${name}: ${JSON.stringify(text)} was not declined`);
  }
});

test('an empty document, or one of comments only, is null as yaml says', () => {
  for (const text of ['', '\n', '# only a comment\n', '---\n', '--- # c\n\n']) {
    assert.is(readKubeconfigYaml(text), null, JSON.stringify(text));
    assert.is(parse(text), null);
  }
});

// Generated kubeconfig-like documents.
const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', '0x1F', '0o17', '1e3', '.5', '-1', '+1', '007', '1_000', '.inf', '-.Inf', '.NaN', 'NaN', '~', 'null', 'Null', 'NULL',
  'true', 'True', 'TRUE', 'false', '', ' ', ' lead', 'trail ', "'quoted'", '"a\\"b"', 'a"b', "it's", '#notcomment', 'a #comment', 'a#b', 'key: value: x',
  'a:b', 'a: ', ':a', '-', '- a', '--flag', '---', '...', '? q', '&anchor', '*alias', '!tag', '|', '>', '%', '@x', '`x', '{}', '[]', '{a}', '[a, b]',
  'https://1.2.3.4:6443', '1.2.3.4:6443', '10.0.0.1', 'arn:aws:eks:us-west-2:1:cluster/x', 'LS0tLS1CRUdJTg==', '~/.kube/config', 'C:\\kube', 'ünïcødé',
  '日本語', '😀', '\u00a0nbsp', 'a\u00a0', 'line\nbreak', 'tab\there', '\\', '<<', '__proto__', '9007199254740993', '6443', '0', '-0', '12:30', 'a,b', 'x]',
];
const scalarText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.\/:_-]{0,20}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const scalar = fc.oneof(
  { weight: 6, arbitrary: scalarText },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('apiVersion', 'kind', 'clusters', 'users', 'contexts', 'name', 'cluster', 'user', 'context', 'server', 'exec', 'args', 'env', 'value', 'current-context', 'certificate-authority-data', 'client.authentication.k8s.io/v1') },
  { weight: 1, arbitrary: scalarText },
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
    fc.array(tie('tree'), { maxLength: 4 }),
  ),
}));
const document = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 });

/** A scalar as kubectl or a person might write it: often plain (unsafely so), else quoted. */
function renderScalar(value: unknown, style: number): string {
  if (value === null) return ['', 'null', '~'][style % 3]!;
  if (typeof value !== 'string') return String(value);
  if (style % 4 === 1) return `'${value.replace(/'/g, "''")}'`;
  if (style % 4 === 2) return JSON.stringify(value);
  return value;
}

/** kubectl's layout (sequences at their key's indent, or indented), with comments here and there. */
function renderKubectl(value: unknown, indent: number, style: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  const comment = (i: number) => (style >> i) % 5 === 0 ? ' # note' : '';
  const entries = Array.isArray(value) ? value.map((v) => ['-', v] as const) : Object.entries(value as object);
  entries.forEach(([k, v], i) => {
    const s = style + i * 7;
    const head = Array.isArray(value) ? `${pad}-` : `${pad}${renderScalar(k, s)}:`;
    if (s % 11 === 0) out.push(`${pad}# a comment`);
    const isMap = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0;
    const isSeq = Array.isArray(v) && v.length > 0;
    if (isMap && Array.isArray(value)) {
      const inner: string[] = [];
      renderKubectl(v, indent + 2, s, inner);
      out.push(`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
    } else if (isMap || isSeq) {
      out.push(head + comment(i));
      renderKubectl(v, isSeq && !Array.isArray(value) && s % 2 === 0 ? indent : indent + 2, s, out);
    } else if (typeof v === 'object' && v !== null) {
      out.push(`${head} ${Array.isArray(v) ? '[]' : '{}'}${comment(i)}`);
    } else {
      out.push(`${head} ${renderScalar(v, s)}${comment(i)}`.replace(/ +$/, ''));
    }
  });
}

test('generated documents: declined or exactly what yaml gives, in yaml, kubectl and JSON layouts', () => {
  // Per layout: yaml default, yaml without indented sequences, kubectl, kubectl with CRLF, JSON indented, JSON on one line.
  const read = [0, 0, 0, 0, 0, 0];
  let runs = 0;
  fc.assert(
    fc.property(document, fc.nat(1000), (doc, style) => {
      const kubectl: string[] = [];
      renderKubectl(doc, 0, style, kubectl);
      const texts = [
        stringify(doc),
        stringify(doc, { indentSeq: false }),
        kubectl.join('\n') + '\n',
        crlf(kubectl.join('\n')),
        JSON.stringify(doc, null, 4),
        JSON.stringify(doc),
      ];
      texts.forEach((text, layout) => {
        const result = agrees(text);
        if (result.why) throw new Error(`${JSON.stringify(text)}: ${result.why}`);
        if (!result.declined) read[layout]!++;
      });
      runs++;
    }),
    { numRuns: 400 },
  );
  // The tricky scalars make many documents decline; the others must still be read, in every layout.
  for (const n of read) assert.ok(n > runs / 5, `read only ${read.join(', ')} of ${runs} generated documents per layout`);
});

test('long plain scalars wrapped onto more-indented lines, as gcloud writes installHint, are read as yaml folds them', () => {
  const word = fc.stringMatching(/^[a-zA-Z][\w.\/:#-]{0,15}$/).filter((w) => !w.endsWith(':'));
  fc.assert(
    fc.property(fc.array(word, { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), (words, per, extra) => {
      const lines: string[] = [];
      for (let i = 0; i < words.length; i += per) lines.push(words.slice(i, i + per).join(' '));
      const text = `users:
- name: u
  user:
    exec:
      installHint: ${lines.join(`\n${' '.repeat(8 + extra)}`)}
      provideClusterInfo: true
`;
      const fast = readKubeconfigYaml(text);
      if (!isDeepStrictEqual(fast, parse(text))) throw new Error(`${JSON.stringify(text)} gave ${JSON.stringify(fast)}`);
    }),
    { numRuns: 300 },
  );
  // yaml folds long strings itself when it writes them.
  const long = { users: [{ name: 'u', user: { exec: { installHint: 'Install the plugin for use with kubectl by following https://cloud.example/docs/how-to/cluster-access-for-kubectl#install_plugin and then retry' } } }] };
  const text = stringify(long);
  assert.ok(text.split('\n').length > 6, 'yaml did not fold the long string');
  assert.equal(readKubeconfigYaml(text), long);
});

test('generated documents of ordinary values are read, not declined', () => {
  const plainText = fc.stringMatching(/^[a-z][a-z0-9.\/:_-]{0,20}[a-z]$/).filter((s) => !s.includes(': ') && !['true', 'false', 'null'].includes(s));
  const ordinary = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(plainText, fc.boolean(), fc.integer({ min: 0, max: 65535 })),
      fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z-]{0,12}$/).filter((s) => !['true', 'false', 'null'].includes(s)), tie('tree'), { maxKeys: 4 }),
      // Sequences of sequences appear in no kubeconfig, and the reader leaves them to yaml.
      fc.array(tie('tree').filter((v) => !Array.isArray(v)), { maxLength: 4 }),
    ),
  })).tree;
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom('clusters', 'users', 'contexts', 'kind', 'apiVersion'), ordinary, { minKeys: 1 }), (doc) => {
      for (const text of [stringify(doc), stringify(doc, { indentSeq: false }), JSON.stringify(doc, null, 2)]) {
        const fast = readKubeconfigYaml(text);
        if (!isDeepStrictEqual(fast, parse(text))) throw new Error(`${JSON.stringify(text)} gave ${JSON.stringify(fast)}`);
      }
    }),
    { numRuns: 200 },
  );
});

test.run();
