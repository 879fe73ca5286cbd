// Reads the YAML that kubeconfig files are written in (by kubectl, client-go, kind, k3s, the cloud
// CLIs, or by hand) without loading the yaml library, which costs a cluster command about as much
// as the rest of its kubeconfig handling. Strict: it gives exactly what yaml's parse() gives (YAML
// 1.2, core schema), or undefined ("declined") for anything outside the subset it knows, and the
// caller then asks the yaml library, which also words any syntax error.
//
// The subset: block mappings and sequences (`key:` then `- item` at the same or a deeper indent),
// plain scalars (continued on more-indented lines, as cloud CLIs wrap long ones), single- and
// double-quoted scalars on one line, comments, blank lines, CRLF, one leading `---`, `{}` and `[]`,
// and JSON documents. Plain scalars are typed only where the core schema is unambiguous: `true`,
// `false`, `null`, `~` and small decimal integers; any other plain scalar the core schema could read
// as a bool, null or number is declined.

/** The document's value (null for an empty one), or undefined when the reader declines. */
export function readKubeconfigYaml(text: string): unknown {
  try {
    if (UNSUPPORTED_CHARACTERS.test(text) || /\r(?!\n)/.test(text)) return undefined;
    return /^[ \r\n]*\{/.test(text) ? readJson(text) : new BlockReader(text).document();
  } catch {
    // Declined, or something unforeseen (a stack overflow on absurd nesting): yaml decides.
    return undefined;
  }
}

function decline(): never {
  throw new Error('outside the kubeconfig YAML subset');
}

// Tabs (indentation rules), controls, line separators YAML does not treat as breaks, a BOM, lone
// surrogates: legal or not, none belongs in a kubeconfig, so yaml decides.
const UNSUPPORTED_CHARACTERS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/u;

/** Keys the reader writes as plain properties; others (empty, odd, merge, prototype) go to yaml. */
function checkKey(key: string): string {
  if (key === '__proto__' || key === '<<' || key.length > 1000) decline();
  return key;
}

/**
 * A JSON document is YAML 1.2 and JSON.parse reads it the same way, except that yaml rejects
 * duplicate keys (JSON.parse keeps the last) and reads numbers through its own schema: so every
 * `:` outside strings must have left a key behind, and only small integers are taken.
 */
function readJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    decline();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) decline();
  if (countJsonKeys(value) !== countColonsOutsideStrings(text)) decline();
  return value;
}

function countJsonKeys(value: unknown): number {
  if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0))) decline();
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + countJsonKeys(item), 0);
  let n = 0;
  for (const [key, item] of Object.entries(value)) {
    checkKey(key);
    n += 1 + countJsonKeys(item);
  }
  return n;
}

function countColonsOutsideStrings(text: string): number {
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ':') colons++;
    else if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    }
  }
  return colons;
}

interface Line {
  indent: number;
  /** The line after its indentation; '' for a blank line. */
  text: string;
}

const isContent = (line: Line): boolean => line.text !== '' && line.text[0] !== '#';
const isSequenceItem = (text: string): boolean => text === '-' || text.startsWith('- ');

class BlockReader {
  private readonly lines: Line[];
  /** Index of the current content line (lines.length at the end). */
  private at = 0;

  constructor(text: string) {
    this.lines = text.split('\n').map((raw) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const body = line.replace(/^ +/, '');
      return { indent: line.length - body.length, text: body.replace(/^ +$/, '') };
    });
    this.at = this.nextContent(0);
  }

  document(): unknown {
    // One leading `---` may open the document; any other marker or directive is more than one
    // document, or a version switch, for yaml to handle.
    if (this.current && this.current.indent === 0 && /^---( +#.*| *)$/.test(this.current.text)) this.advance();
    for (let i = this.at; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line.indent === 0 && /^(---|\.\.\.)( |$)|^%/.test(line.text)) decline();
    }
    if (!this.current) return null;
    if (this.current.indent !== 0 || isSequenceItem(this.current.text)) decline();
    const root = this.mapping(0);
    if (this.current) decline();
    return root;
  }

  private get current(): Line | undefined {
    return this.lines[this.at];
  }

  private nextContent(from: number): number {
    let i = from;
    while (i < this.lines.length && !isContent(this.lines[i]!)) i++;
    return i;
  }

  private advance(): void {
    this.at = this.nextContent(this.at + 1);
  }

  private block(indent: number): unknown {
    return isSequenceItem(this.current!.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.current; line && line.indent >= indent; line = this.current) {
      if (line.indent > indent) decline();
      const pair = keyOf(line.text) ?? decline();
      if (Object.hasOwn(map, pair.key)) decline();
      map[pair.key] = this.valueAfter(pair.rest.replace(/^ +/, ''), indent, true);
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.current; line && line.indent === indent && isSequenceItem(line.text); line = this.current) {
      const after = line.text.slice(1);
      const rest = after.replace(/^ +/, '');
      if (isSequenceItem(rest)) decline();
      const column = indent + 1 + after.length - rest.length;
      if (rest !== '' && rest[0] !== '#' && keyOf(rest)) {
        // `- key: value`: a mapping whose keys line up after the dash.
        this.lines[this.at] = { indent: column, text: rest };
        items.push(this.mapping(column));
      } else {
        items.push(this.valueAfter(rest, indent, false));
      }
    }
    if (this.current && this.current.indent > indent) decline();
    return items;
  }

  /** The value after `key:` or `-` on the current line, which belongs to a node at `indent`. */
  private valueAfter(rest: string, indent: number, inMapping: boolean): unknown {
    if (rest === '' || rest[0] === '#') {
      this.advance();
      const next = this.current;
      if (next && next.indent > indent) return this.block(next.indent);
      // kubectl's style: a mapping's sequence at the mapping's own indent.
      if (inMapping && next && next.indent === indent && isSequenceItem(next.text)) return this.sequence(indent);
      return null;
    }
    const first = rest[0];
    let value: unknown;
    let end: string;
    if (first === '{' || first === '[') {
      if (rest[1] !== (first === '{' ? '}' : ']')) decline();
      value = first === '{' ? {} : [];
      end = rest.slice(2);
    } else if (first === '"' || first === "'") {
      const quoted = quotedScalar(rest);
      value = quoted.value;
      end = rest.slice(quoted.end);
    } else {
      return this.plainValue(rest, indent);
    }
    if (!/^( +#.*| *)$/.test(end)) decline();
    if ((this.nextNonBlank(this.at + 1)?.indent ?? -1) > indent) decline();
    this.advance();
    return value;
  }

  /** A plain scalar, with the more-indented lines that continue it (folded with spaces). */
  private plainValue(rest: string, indent: number): unknown {
    const parts = [withoutComment(rest)];
    let commented = parts[0] !== rest.replace(/ +$/, '');
    for (let next = this.nextNonBlank(this.at + 1); next && next.indent > indent; next = this.nextNonBlank(this.at + 1)) {
      // A comment ends the scalar; a blank line inside it, or a comment before more of it, is for yaml.
      if (commented || next.text[0] === '#' || this.lines[this.at + 1]!.text === '') decline();
      this.at++;
      const part = withoutComment(next.text);
      commented = part !== next.text;
      parts.push(continuation(part));
    }
    const text = parts.join(' ');
    const value = plainScalar(parts[0]!, text);
    if (parts.length > 1 && typeof value !== 'string') decline();
    this.advance();
    return value;
  }

  private nextNonBlank(from: number): Line | undefined {
    for (let i = from; i < this.lines.length; i++) if (this.lines[i]!.text !== '') return this.lines[i];
    return undefined;
  }
}

/** `key: rest`, or undefined when the text is not a mapping entry at all. */
function keyOf(text: string): { key: string; rest: string } | undefined {
  if (text[0] === '"' || text[0] === "'") {
    const quoted = quotedScalar(text);
    if (text[quoted.end] !== ':') return undefined;
    if (quoted.end + 1 < text.length && text[quoted.end + 1] !== ' ') decline();
    return { key: checkKey(quoted.value), rest: text.slice(quoted.end + 1) };
  }
  const colon = text.search(/:( |$)/);
  const hash = text.indexOf(' #');
  if (colon < 0 || (hash >= 0 && hash < colon)) return undefined;
  const key = text.slice(0, colon);
  if (!/^[A-Za-z_$][\w.\/$@+-]*$/.test(key) || typeof plainScalar(key, key) !== 'string') decline();
  return { key: checkKey(key), rest: text.slice(colon + 1) };
}

function withoutComment(text: string): string {
  const hash = text.indexOf(' #');
  return (hash >= 0 ? text.slice(0, hash) : text).replace(/ +$/, '');
}

/** A continuation line of a plain scalar: words only, nothing yaml might read as structure. */
function continuation(text: string): string {
  if (!/^[\w.\/$@+=~(-]/.test(text) || /^- |^-$|^(---|\.\.\.)/.test(text)) decline();
  return text;
}

/**
 * A plain scalar's value by the core schema: only the unambiguous spellings are typed; any other
 * scalar that could be a bool, null or number (`True`, `0x1F`, `1e3`, `.5`, `-1`, `007`) declines.
 * `first` is its first line (what may start it), `text` the whole folded scalar.
 */
function plainScalar(first: string, text: string): unknown {
  const c = first[0];
  if (c === undefined || ',[]{}#&*!|>\'"%@`?:'.includes(c)) decline();
  if (c === '-' && (first.length === 1 || first[1] === ' ')) decline();
  if (/: |:$/.test(text) || text.includes(' #')) decline();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null' || text === '~') return null;
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false' || lower === 'null') decline();
  if (/^(0|[1-9][0-9]*)$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : decline();
  }
  // Every core-schema number is a sign, then digits, letters and dots, with at most a signed exponent.
  if (/^[-+]?[0-9.][\w.]*([-+][0-9]*)?$/.test(text)) decline();
  return text;
}

const ESCAPES = new Map(Object.entries({
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
}));

/** A quoted scalar at the start of the text, closed on the same line; `end` is just past it. */
function quotedScalar(text: string): { value: string; end: number } {
  let value = '';
  if (text[0] === "'") {
    for (let i = 1; ; ) {
      const close = text.indexOf("'", i);
      if (close < 0) decline();
      value += text.slice(i, close);
      if (text[close + 1] !== "'") return { value, end: close + 1 };
      value += "'";
      i = close + 2;
    }
  }
  for (let i = 1; ; ) {
    const c = text[i];
    if (c === undefined) decline();
    if (c === '"') return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? decline();
    const simple = ESCAPES.get(e);
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const length = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : decline();
    const hex = text.slice(i + 2, i + 2 + length);
    if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) decline();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) decline();
    value += String.fromCodePoint(code);
    i += 2 + length;
  }
}
