// kubectl's JSONPath template, the part people use: literal text, {.a.b}, {.list[0]}, {.list[*].x},
// {range .items[*]}...{end}, {@} and quoted text such as {"\n"}. A template is read whole before
// any request, and one kubectl would refuse is refused here with kubectl's words ("error parsing
// jsonpath <template>, unclosed action"), as one line and exit 1 as in kubectl; what kubectl accepts
// but we do not implement (filters, slices, recursive descent) is refused naming the part.
import { SkupperError } from '../errors.js';

type Token = { text: string } | { path: string[] } | { range: string[] } | { end: true };

const DOCS = 'see https://kubernetes.io/docs/reference/kubectl/jsonpath/';

class TemplateError extends Error {}

/** Parses `template` (throws SkupperError 'TEMPLATE', exit 1) and returns its renderer. */
export function compileJsonPath(template: string): (data: unknown) => string {
  let tokens: Token[];
  try {
    tokens = tokenize(template);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    // Line breaks in the template are shown escaped: the message stays one line.
    const shown = template.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
    throw new SkupperError('TEMPLATE', `error parsing jsonpath ${shown}, ${err.message}: ${DOCS}`);
  }
  const render = (from: number, scope: unknown): [string, number] => {
    let out = '';
    for (let i = from; i < tokens.length; i++) {
      const t = tokens[i]!;
      if ('end' in t) return [out, i];
      if ('text' in t) out += t.text;
      else if ('path' in t) out += select(scope, t.path).map(show).join(' ');
      else {
        const endAt = render(i + 1, undefined)[1]; // where this range's {end} is
        for (const item of select(scope, t.range)) out += render(i + 1, item)[0];
        i = endAt;
      }
    }
    return [out, tokens.length];
  };
  return (data) => render(0, data)[0];
}

/** The template as text and actions; the messages are client-go's where it has one. */
function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push({ text: template.slice(i) });
      break;
    }
    if (open > i) tokens.push({ text: template.slice(i, open) });
    const [action, next] = readAction(template, open + 1);
    i = next;
    if (action.length === 0) {
      tokens.push({ path: [] }); // {} is the whole object, as in kubectl
      continue;
    }
    const [head, ...rest] = action;
    if (head!.kind === 'identifier') {
      if (head!.value === 'end') {
        if (rest.length > 0) throw new TemplateError('unexpected text after end');
        if (depth === 0) throw new TemplateError('not in range, nothing to end');
        depth--;
        tokens.push({ end: true });
      } else if (head!.value === 'range') {
        depth++;
        tokens.push({ range: pathOf(rest, 'range needs a path, as in {range .items[*]}') });
      } else throw new TemplateError(`unrecognized identifier ${head!.value}`);
    } else if (head!.kind === 'quoted') {
      if (rest.length > 0) throw new TemplateError('unexpected text after a quoted string');
      tokens.push({ text: head!.value });
    } else tokens.push({ path: pathOf(action, 'expected a path such as {.metadata.name}') });
  }
  return tokens;
}

type Part = { kind: 'identifier' | 'quoted' | 'field' | 'index' | 'self'; value: string };

/** One {...} action from just after its "{": its parts, and where the text after its "}" starts. */
function readAction(t: string, from: number): [Part[], number] {
  const parts: Part[] = [];
  let i = from;
  for (;;) {
    const c = t[i];
    if (c === undefined || c === '\n' || c === '\r') throw new TemplateError('unclosed action');
    if (c === '}') return [parts, i + 1];
    if (c === ' ') i++;
    else if (c === '@' || c === '$') {
      parts.push({ kind: 'self', value: c });
      i++;
    } else if (c === '[') {
      const close = t.indexOf(']', i);
      if (t.startsWith('[?(', i)) throw new TemplateError(close < 0 || !t.slice(i, close + 1).endsWith(')]') ? 'unterminated filter' : 'filter expressions [?(...)] are not supported here');
      if (close < 0) throw new TemplateError('unterminated array');
      const inner = t.slice(i + 1, close).trim();
      if (inner !== '*' && !/^\d+$/.test(inner)) {
        if (!/^(-?\d*)(:-?\d*)?(:-?\d*)?$/.test(inner)) throw new TemplateError(`invalid array index ${inner}`);
        throw new TemplateError(`array slices and negative indexes ([${inner}]) are not supported here (use [n] or [*])`);
      }
      parts.push({ kind: 'index', value: `[${inner}]` });
      i = close + 1;
    } else if (c === '"' || c === "'") {
      const [value, next] = readQuoted(t, i);
      parts.push({ kind: 'quoted', value });
      i = next;
    } else if (c === '.') {
      if (t[i + 1] === '.') throw new TemplateError('recursive descent (..) is not supported here');
      // A field ends at a terminator; "\." is a dot inside it (app\.kubernetes\.io/name), as in kubectl.
      let j = i + 1;
      let field = '';
      for (; j < t.length && !' .,[]$@{}\n\r'.includes(t[j]!); j++) {
        if (t[j] === '\\' && t[j + 1] === '.') field += t[++j];
        else field += t[j];
      }
      if (field) parts.push({ kind: 'field', value: field });
      else if (!parts.some((p) => p.kind !== 'self')) parts.push({ kind: 'self', value: '.' });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < t.length && /[\w]/.test(t[j]!)) j++;
      // A function call such as len( is an identifier to kubectl too, and so unrecognized.
      if (t[j] === '(') j++;
      parts.push({ kind: 'identifier', value: t.slice(i, j) });
      i = j;
    } else {
      throw new TemplateError(`unrecognized character in action: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
    }
  }
}

/** A quoted string from its opening quote, with Go's escapes for the common characters. */
function readQuoted(t: string, from: number): [string, number] {
  const quote = t[from]!;
  let out = '';
  for (let i = from + 1; i < t.length; i++) {
    const c = t[i]!;
    if (c === quote) return [out, i + 1];
    if (c === '\\' && i + 1 < t.length) {
      const e = t[++i]!;
      out += ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" } as Record<string, string>)[e] ?? `\\${e}`;
    } else out += c;
  }
  throw new TemplateError('unterminated quoted string');
}

function pathOf(parts: Part[], hint: string): string[] {
  if (parts.length === 0) throw new TemplateError(hint);
  const wrong = parts.find((p, i) => p.kind === 'identifier' || p.kind === 'quoted' || (p.kind === 'self' && i > 0));
  if (wrong) throw new TemplateError(wrong.kind === 'identifier' ? `unrecognized identifier ${wrong.value}` : `unexpected ${wrong.value} in a path`);
  return parts.filter((p) => p.kind !== 'self').map((p) => p.value);
}

function select(scope: unknown, path: string[]): unknown[] {
  let current: unknown[] = [scope];
  for (const step of path) {
    current = current.flatMap((v) => {
      if (v === null || v === undefined) return [];
      if (step === '[*]') return Array.isArray(v) ? v : Object.values(v as object);
      const index = step.match(/^\[(\d+)\]$/);
      if (index) return Array.isArray(v) && Number(index[1]) < v.length ? [v[Number(index[1])]] : [];
      const next = (v as Record<string, unknown>)[step];
      return next === undefined ? [] : [next];
    });
  }
  return current;
}

function show(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
