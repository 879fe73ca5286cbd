import { Command, Option } from 'clipanion';
import { BaseCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../../cli/output.js';
import { formatDuration } from '../../duration.js';

export class TokenInspectCommand extends BaseCommand {
  static override paths = [['token', 'inspect']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Show what a token file says: issuer, grant, URL, expiry, uses',
    details: `
      Reads the token file only; contacts nothing. The signature is not checked here (only the issuing site holds its keys):
      the grant server checks it on redemption. A token made by the upstream CLI has a random code instead of a JWT: it is
      shown as such, and redeems like any other.
    `,
    examples: [
      ['Inspect a token', '$0 token inspect west.yaml'],
      ['As JSON', '$0 token inspect west.yaml -o json'],
    ],
  });

  file = Option.String({ name: 'file' });
  output = Option.String('-o,--output', { description: 'Output format: yaml or json' });

  async run(): Promise<number> {
    const format = parseOutputFormat(this.output);
    const [{ readTokenFile }, { describeToken }] = await Promise.all([import('../../token/file.js'), import('../../token/inspect.js')]);
    const token = await readTokenFile(this.file, this.context.stdin);
    const d = describeToken(token);
    if (format) {
      this.context.stdout.write(await renderObjects([d], format, { single: true }));
      return 0;
    }
    const rows: [string, string][] = [['Token', d.name]];
    if (d.format === 'opaque') {
      rows.push(['URL', d.url], ['Code', 'not a JWT (made by upstream Skupper): its expiry and uses are known only to the issuing site']);
      if (d.linkCost) rows.push(['Link cost', String(d.linkCost)]);
    } else {
      const left = d.expires ? Date.parse(d.expires) - Date.now() : 0;
      const when = (ms: number) => formatDuration(Math.round(Math.abs(ms) / 1000) * 1000);
      rows.push(
        ['Issuer', d.issuerSite ? `site "${d.issuerSite}" (uid ${d.issuerUid})` : 'unknown'],
        ['Grant', d.grant ?? ''],
        ['URL', d.url],
        ['Issued', d.issued ?? ''],
        ['Expires', d.expires ? `${d.expires} (${d.expired ? `expired ${when(left)} ago` : `in ${when(left)}`})` : ''],
        ['Uses allowed', String(d.redemptionsAllowed ?? '')],
        ['Link cost', String(d.linkCost ?? '')],
        ['Signing key', d.keyId ?? ''],
      );
    }
    this.out(rows.map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`.trimEnd()).join('\n'));
    return 0;
  }
}
