import { Command } from 'clipanion';
import { serviceDeleteCommand } from '../../cli/service-commands.js';

export class ConnectorDeleteCommand extends serviceDeleteCommand('connector') {
  static override paths = [['connector', 'delete']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Delete a connector',
    details: 'Deletes the Connector; listeners elsewhere that matched only it become Pending. Waits until it is gone unless `--no-wait`; `--timeout 0` checks once.',
    examples: [['Delete a connector', '$0 connector delete backend']],
  });
}
