// -l/--selector checked before any request, with kubectl's grammar (labels.Parse): requirements
// separated by commas, each `key`, `!key`, `key=value`, `key==value`, `key!=value`,
// `key in (a,b)`, `key notin (a,b)`, `key>1` or `key<1`. The API server would refuse a bad one
// with a 400 that names no flag; this names -l and is a usage error (exit 2).
import { usageError } from '../errors.js';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws a usage error naming -l when `selector` is not a label selector kubectl accepts. */
export function checkLabelSelector(selector: string): void {
  const problem = findProblem(selector);
  if (problem) throw usageError(`invalid -l/--selector "${selector}": ${problem}: use a label selector such as env=prod, env!=dev, 'tier in (web,api)' or !canary`);
}

type Token = { kind: 'word' | 'op' | '(' | ')' | ','; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') tokens.push({ kind: c, text: c }), i++;
    else if ('=!<>'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = two === '==' || two === '!=' ? two : c;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !/[\s(),=!<>]/.test(text[j]!)) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function findProblem(selector: string): string | undefined {
  if (selector.trim() === '') return 'it is empty';
  const tokens = tokenize(selector);
  let i = 0;
  const peek = () => tokens[i];
  for (;;) {
    let t = tokens[i++];
    const negated = t?.kind === 'op' && t.text === '!';
    if (negated) t = tokens[i++];
    if (t?.kind !== 'word') return `expected a label key${t ? `, found "${t.text}"` : ' at the end'}`;
    const keyProblem = checkKey(t.text);
    if (keyProblem) return keyProblem;
    const next = peek();
    if (!negated && next?.kind === 'op') {
      i++;
      if (next.text === '!') return `"!" goes before a key (!${t.text}) or with "=" (${t.text}!=value)`;
      const value = peek()?.kind === 'word' ? tokens[i++]!.text : '';
      if ((next.text === '<' || next.text === '>') && !/^-?\d+$/.test(value)) return `"${next.text}" takes an integer, found "${value}"`;
      const valueProblem = checkValue(value);
      if (valueProblem) return valueProblem;
    } else if (!negated && next?.kind === 'word' && (next.text === 'in' || next.text === 'notin')) {
      i++;
      if (peek()?.kind !== '(') return `"${next.text}" needs a list of values in parentheses, as in ${t.text} ${next.text} (a,b)`;
      i++;
      let count = 0;
      for (;;) {
        const v = tokens[i];
        if (v?.kind === 'word') {
          const valueProblem = checkValue(v.text);
          if (valueProblem) return valueProblem;
          count++;
          i++;
        }
        const sep = tokens[i++];
        if (sep?.kind === ')') break;
        if (sep?.kind !== ',') return `the values of "${next.text}" need a closing ")"`;
      }
      if (count === 0) return `the list of values of "${next.text}" is empty`;
    }
    const after = tokens[i++];
    if (after === undefined) return undefined;
    if (after.kind !== ',') return `unexpected "${after.text}" after "${t.text}" (requirements are separated by commas)`;
  }
}

function checkKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `the prefix of key "${key}" is not a DNS subdomain`;
  if (name.length > 63 || !NAME.test(name)) return `"${key}" is not a valid label key (letters, digits, "-", "_" and ".", at most 63, starting and ending with a letter or digit)`;
  return undefined;
}

function checkValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) return `"${value}" is not a valid label value (letters, digits, "-", "_" and ".", at most 63, starting and ending with a letter or digit)`;
  return undefined;
}
