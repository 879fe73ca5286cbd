// "kubectl skupper" with no arguments prints the overview of every command.
import { Command } from 'clipanion';
import { BaseCommand } from '../cli/base-command.js';

export class RootCommand extends BaseCommand {
  static override paths = [Command.Default];

  async run(): Promise<number> {
    this.out(this.cli.usage());
    return 0;
  }
}
