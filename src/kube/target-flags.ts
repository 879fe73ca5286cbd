// The flags that name where an invocation pointed (--kubeconfig, --context, -n), as the person gave
// them, rendered for the commands that errors and doctor suggest: pasted, they reach the same site.

export interface Target {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** " --kubeconfig K --context C -n N" with only the flags given, each value quoted for a POSIX shell when it needs it; '' when none was given. */
export function renderTargetFlags(target: Target): string {
  const parts: string[] = [];
  if (target.kubeconfig !== undefined) parts.push('--kubeconfig', shellWord(target.kubeconfig));
  if (target.context !== undefined) parts.push('--context', shellWord(target.context));
  if (target.namespace !== undefined) parts.push('-n', shellWord(target.namespace));
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** The value as one shell word, quoted only when it needs it. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
