import { Command } from 'clipanion';
import { serviceDeleteCommand } from '../../cli/service-commands.js';

export class ListenerDeleteCommand extends serviceDeleteCommand('listener') {
  static override paths = [['listener', 'delete']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Delete a listener',
    details: 'Deletes the Listener; the Skupper controller then removes its Service. Waits until it is gone unless `--no-wait`; `--timeout 0` checks once.',
    examples: [['Delete a listener', '$0 listener delete backend']],
  });
}
