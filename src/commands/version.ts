import { Command, Option } from 'clipanion';
import { BaseCommand } from '../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../cli/output.js';
import { buildInfo } from '../build-info.js';

export class VersionCommand extends BaseCommand {
  static override paths = [['version']];
  static override usage = Command.Usage({
    description: 'Print the plugin version',
    details: 'Prints the plugin version, the commit it was built from when known, and the Node.js version it runs on. It does not contact a cluster.',
    examples: [
      ['Print the version', '$0 version'],
      ['Print the version as JSON', '$0 version -o json'],
    ],
  });

  output = Option.String('-o,--output', { description: 'Output format: yaml or json' });

  async run(): Promise<number> {
    const format = parseOutputFormat(this.output);
    const info = { version: buildInfo.version, commit: buildInfo.commit || 'unknown', node: process.version, platform: `${process.platform}/${process.arch}` };
    if (format) {
      this.out(await renderObjects([info], format, { single: true }));
    } else {
      this.out(`kubectl-skupper ${info.version} (commit ${info.commit}, node ${info.node}, ${info.platform})`);
    }
    return 0;
  }
}
