// "kubectl skupper site" (a group without a verb) lists the group's commands, like kubectl does.
import { Command } from 'clipanion';
import { BaseCommand } from '../cli/base-command.js';

function groupCommand(group: string, description: string) {
  return class extends BaseCommand {
    static override paths = [[group]];
    static override usage = Command.Usage({ description, details: `Run "$0 ${group} <command> --help" for a command's flags.` });

    async run(): Promise<number> {
      const lines = this.cli
        .definitions()
        .filter((d) => d.path.endsWith(` ${group}`) === false && d.path.split(' ').includes(group) && d.path.split(' ').length > this.cli.binaryName.split(' ').length + 1)
        .map((d) => `  ${d.path.padEnd(40)} ${(d.description ?? '').trim()}`)
        .sort();
      this.out(`${description}\n\nCommands:\n${lines.join('\n')}\n\nRun "${this.cli.binaryName} ${group} <command> --help" for a command's flags.`);
      return 0;
    }
  };
}

export const SiteGroupCommand = groupCommand('site', 'Create, change and inspect the Skupper site in a namespace');
export const LinkGroupCommand = groupCommand('link', 'Generate, inspect, check and delete links between sites');
export const TokenGroupCommand = groupCommand('token', 'Issue and redeem tokens that link sites');
export const NetworkGroupCommand = groupCommand('network', 'Inspect the whole network of sites, across kubeconfig contexts');
export const ListenerGroupCommand = groupCommand('listener', 'Consume services exposed on other sites: create, change and inspect listeners');
export const ConnectorGroupCommand = groupCommand('connector', 'Expose services to other sites: create, change and inspect connectors');
export const ServiceGroupCommand = groupCommand('service', 'Expose a workload across linked sites: a connector on one, listeners on others');
