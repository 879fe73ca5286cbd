// A label selector string (kubectl's -l grammar) as a function of a label set, so that many
// selectors can be matched against one list of pods. Pure.

type Requirement = (labels: Record<string, string>) => boolean;

/** The matcher, or undefined for text this does not read (the caller then asks the API server). */
export function matcherOf(selector: string): ((labels: Record<string, string>) => boolean) | undefined {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const requirements: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') return undefined;
    let m = part.match(/^([^=!\s(),]+)\s*(==|=|!=)\s*([^=!\s(),]*)$/);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      requirements.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
      continue;
    }
    m = part.match(/^([^=!\s(),]+)\s+(in|notin)\s+\(([^()]*)\)$/);
    if (m) {
      const [, key, op] = m as unknown as [string, string, string];
      const values = new Set(m[3]!.split(',').map((v) => v.trim()));
      requirements.push(op === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!));
      continue;
    }
    m = part.match(/^(!?)\s*([^=!\s(),<>]+)$/);
    if (m) {
      const key = m[2]!;
      requirements.push(m[1] ? (l) => !(key in l) : (l) => key in l);
      continue;
    }
    return undefined;
  }
  return (labels) => requirements.every((r) => r(labels));
}
