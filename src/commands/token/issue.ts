import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { SkupperError } from '../../errors.js';

// The token commands are in the frame so that help and scripts see them; the AccessGrant
// protocol behind them is the next piece of work. Until then they say so and exit 1.
export class TokenIssueCommand extends ClusterCommand {
  static override paths = [['token', 'issue']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Issue a token that another site redeems to link to this one (not available yet)',
    details: 'Not available in this version: link sites with `link generate` and `kubectl apply` instead.',
    examples: [['Issue a token valid for 1 hour and 3 links', '$0 token issue west.yaml --expiration-window 60m --redemptions-allowed 3']],
  });

  file = Option.String({ name: 'file' });
  expirationWindow = Option.String('--expiration-window', '15m', { description: 'How long the token can be redeemed' });
  redemptionsAllowed = Option.String('--redemptions-allowed', '1', { description: 'How many links the token can make' });

  async run(): Promise<number> {
    throw new SkupperError('NOT_READY', 'token issue is not available in this version of kubectl-skupper yet: link the sites with "kubectl skupper link generate | kubectl apply -f -" instead');
  }
}

export class TokenRedeemCommand extends ClusterCommand {
  static override paths = [['token', 'redeem']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Redeem a token to link this site to the one that issued it (not available yet)',
    details: 'Not available in this version: link sites with `link generate` and `kubectl apply` instead.',
    examples: [['Redeem a token', '$0 token redeem west.yaml']],
  });

  file = Option.String({ name: 'file' });

  async run(): Promise<number> {
    throw new SkupperError('NOT_READY', 'token redeem is not available in this version of kubectl-skupper yet: link the sites with "kubectl skupper link generate | kubectl apply -f -" instead');
  }
}
