import { Command, Option } from 'clipanion';
import { BaseCommand } from '../cli/base-command.js';
import { usageError } from '../errors.js';

// Shell completion. The scripts call the hidden `__complete` command, which speaks the protocol
// kubectl (>= 1.26) uses for plugins through kubectl_complete-skupper: one candidate per line
// (optionally "value<TAB>description"), then ":<directive>" (4: no file completion, 0: default).

const SCRIPTS: Record<string, string> = {
  bash: `# bash completion for kubectl-skupper; load with: source <(kubectl-skupper completion bash)
_kubectl_skupper() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive
  out=$(kubectl-skupper __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return
  directive=\${out##*:}
  COMPREPLY=($(compgen -W "$(printf '%s\\n' "$out" | sed '$d' | cut -f1)" -- "$cur"))
  if [ "$directive" = 4 ]; then compopt +o default 2>/dev/null; fi
}
complete -o default -F _kubectl_skupper kubectl-skupper
`,
  zsh: `#compdef kubectl-skupper
# zsh completion for kubectl-skupper; load with: source <(kubectl-skupper completion zsh)
_kubectl_skupper() {
  local -a lines
  lines=("\${(@f)$(kubectl-skupper __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  local directive=\${lines[-1]#:}
  lines=("\${(@)lines[1,-2]}")
  if [[ $directive == 0 && \${#lines} -eq 0 ]]; then _files; return; fi
  compadd -- "\${(@)lines%%$'\\t'*}"
}
compdef _kubectl_skupper kubectl-skupper
`,
  fish: `# fish completion for kubectl-skupper; load with: kubectl-skupper completion fish | source
function __kubectl_skupper_complete
  set -l args (commandline -opc)
  set -e args[1]
  kubectl-skupper __complete $args (commandline -ct) 2>/dev/null | string match -v -r '^:' | string split -f1 \\t
end
complete -c kubectl-skupper -f -a '(__kubectl_skupper_complete)'
`,
};

export class CompletionCommand extends BaseCommand {
  static override paths = [['completion']];
  static override usage = Command.Usage({
    description: 'Print a shell completion script (bash, zsh or fish)',
    details: 'Completes commands, flags, and names from the cluster (contexts, sites, links). For `kubectl skupper <TAB>` install the `kubectl_complete-skupper` executable too: see the README.',
    examples: [
      ['Load bash completion', 'source <($0 completion bash)'],
      ['Load fish completion', '$0 completion fish | source'],
    ],
  });

  shell = Option.String({ name: 'shell' });

  async run(): Promise<number> {
    const script = SCRIPTS[this.shell];
    if (!script) throw usageError(`unsupported shell "${this.shell}": use bash, zsh or fish`);
    this.context.stdout.write(script);
    return 0;
  }
}
