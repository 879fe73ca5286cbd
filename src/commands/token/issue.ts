import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { formatDuration, parseDuration } from '../../duration.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../kube/target-flags.js';

export class TokenIssueCommand extends ClusterCommand {
  static override paths = [['token', 'issue']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Issue a token that another site redeems to link to this one',
    details: `
      Run on a site with link access enabled. Creates an AccessGrant whose code is a JWT signed by this site's key, waits
      until a grant server (the Skupper controller's, or \`kubectl skupper grant-server\`) has filled in its URL and CA, and
      writes the token file (mode 0600, never over an existing file). The file is an AccessToken with comment lines saying
      who issued it, when it expires and how many links it can make. Anyone holding it can link to this site: protect it.
    `,
    examples: [
      ['Issue a token for one link within 15 minutes', '$0 token issue west.yaml'],
      ['Issue a token valid for 1 hour and 3 links', '$0 token issue west.yaml --expiration-window 60m --redemptions-allowed 3'],
    ],
  });

  file = Option.String({ name: 'file' });
  expirationWindow = Option.String('--expiration-window', '15m', { description: 'How long the token can be redeemed, at least 1m (default 15m)' });
  redemptionsAllowed = Option.String('--redemptions-allowed', '1', { description: 'How many links the token can make (default 1)' });
  cost = Option.String('--cost', '1', { description: 'The cost of the link the token makes, a positive integer (default 1)' });
  static override defaultTimeout = '60s';

  async run(): Promise<number> {
    const windowMs = parseDuration(this.expirationWindow, '--expiration-window');
    if (windowMs < 60_000) throw usageError(`invalid --expiration-window "${this.expirationWindow}": use at least 1m`);
    const redemptionsAllowed = positive(this.redemptionsAllowed, '--redemptions-allowed');
    const cost = positive(this.cost, '--cost');
    const timeoutMs = this.timeoutMs();
    const [{ isDeviceTarget, writeSecretFile }, { issueToken }, { renderTokenFile, checkNewFile }, { Operation }] = await Promise.all([import('../../files/secret-file.js'), import('../../token/issue.js'), import('../../token/file.js'), import('../../operation.js')]);
    // Before anything is made in the cluster: a grant whose token cannot be written helps nobody.
    checkNewFile(this.file);
    this.progress('Waiting for a grant server to fill in the grant...');
    const op = new Operation();
    const issued = await issueToken(await this.client(), { windowMs, redemptionsAllowed, cost, timeoutMs, op });
    // A device (/dev/stdout) is not where the token will be: name the file in general then.
    const redeem = `kubectl skupper token redeem ${isDeviceTarget(this.file) ? '<file>' : shellWord(this.file)}`;
    let path: string;
    try {
      path = await writeSecretFile(this.file, await renderTokenFile(issued.token, redeem), { streams: this.context });
    } catch (err) {
      await op.undo(); // a grant whose token was not written helps nobody
      throw err;
    }
    const expires = issued.claims.exp * 1000;
    // Written to a device such as /dev/stdout: the token is the output, this summary goes to stderr.
    const device = isDeviceTarget(this.file);
    const say = (text: string) => (device ? this.context.stderr.write(`${text}\n`) : this.out(text));
    say(
      [
        device ? `Token written to ${path} for site "${issued.site.metadata.name}".` : `Token file ${path} written (mode 0600) for site "${issued.site.metadata.name}".`,
        `It expires at ${new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z')} (in ${formatDuration(Math.max(0, Math.round((expires - Date.now()) / 1000) * 1000))}) or after ${redemptionsAllowed} use${redemptionsAllowed === 1 ? '' : 's'}, whichever comes first.`,
        'Transfer the file to the other site (anyone holding it can link to this site) and run there:',
        '',
        `  ${redeem}`,
      ].join('\n'),
    );
    op.done(`the command completed: token file ${path} was written`);
    return 0;
  }
}

/** Kubernetes integers and the router's costs are 32-bit. */
export const MAX_INT32 = 2147483647;

export function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw usageError(`invalid ${flag} "${value}": use a positive whole number`);
  if (n > MAX_INT32) throw usageError(`invalid ${flag} "${value}": use a whole number from 1 to ${MAX_INT32}`);
  return n;
}
