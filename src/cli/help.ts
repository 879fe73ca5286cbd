// A command's --help: clipanion's text, with a name for each flag's value instead of the parser's
// "#0" placeholder (kubectl shows `--timeout duration`, we show `--timeout <duration>`).
import { visibleWidth } from './output.js';

const METAVARS: Record<string, string> = {
  '--timeout': 'duration',
  '--kubeconfig': 'file',
  '--output-file': 'file',
  '--context': 'context',
  '--namespace': 'namespace',
  '--output': 'format',
  '--wait': 'condition',
  '--cost': 'integer',
  '--selector': 'selector',
  '--link-access-type': 'type',
  '--tls-credentials': 'secret',
  '--dry-run': 'mode',
};

export function helpText(usage: string): string {
  const named = usage.replace(/((?:--?[\w-]+,)*(--?[\w-]+)) #0/g, (_, names: string, last: string) => `${names} <${METAVARS[last] ?? 'value'}>`);
  return realign(named);
}

/** Pads the option lines again: the names changed width, and clipanion padded for the old ones. */
function realign(text: string): string {
  // On a terminal clipanion pads inside the bold name; move the padding after the reset code.
  const lines = text.split('\n').map((l) => l.replace(/ +(\u001b\[22m) +/, '$1  '));
  const option = /^( {2}\S(?:\S| (?! ))*) {2,}(\S.*)$/;
  const rows = lines.map((l) => (l.replace(/\u001b\[[0-9;]*m/g, '').startsWith('  -') ? l.match(option) : null));
  const width = Math.max(0, ...rows.map((m) => (m ? visibleWidth(m[1]!) : 0)));
  return lines.map((l, i) => (rows[i] ? `${rows[i]![1]}${' '.repeat(width - visibleWidth(rows[i]![1]!) + 4)}${rows[i]![2]}` : l)).join('\n');
}
