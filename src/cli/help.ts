// A command's --help: clipanion's text, with a name for each flag's value instead of the parser's
// "#0" placeholder (kubectl shows `--timeout duration`, we show `--timeout <duration>`).

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
  '--dry-run': 'none|client|server',
};

export function helpText(usage: string): string {
  return usage.replace(/((?:--?[\w-]+,)*(--?[\w-]+)) #0/g, (_, names: string, last: string) => `${names} <${METAVARS[last] ?? 'value'}>`);
}
