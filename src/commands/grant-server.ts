import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../cli/base-command.js';
import { usageError } from '../errors.js';

export class GrantServerCommand extends ClusterCommand {
  static override paths = [['grant-server']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Serve token redemptions for sites whose Skupper controller does not',
    details: `
      A long-running HTTPS server (TLS 1.3) that fills in AccessGrants and redeems tokens for them, speaking the upstream
      Skupper grant protocol. Run it where the Skupper controller's grant server is disabled (CI, local clusters). It serves
      a namespace only while it holds the Lease "kubectl-skupper-grant-server" there, and never a grant whose URL another
      grant server already filled in. Its TLS CA and certificate are kept in the Secret "kubectl-skupper-grant-server" of
      the namespace given with -n. One log line per redemption; no secrets in the log. It runs until stopped: --timeout does
      not apply, each API request is bounded by --request-timeout (default 30s), and its watches and Lease renewals carry on
      across API server restarts. Stops on SIGTERM or Ctrl-C, giving its Leases up.
    `,
    examples: [
      ['Serve the site in namespace west on the default address', '$0 grant-server -n west'],
      ['Serve every site, reachable by other clusters at a public name', '$0 grant-server -A --listen 0.0.0.0:9090 --url https://grants.example.com:9090'],
    ],
  });

  allNamespaces = Option.Boolean('-A,--all-namespaces', false, { description: 'Serve every namespace that has a Site (the TLS Secret stays in the -n namespace)' });
  listen = Option.String('--listen', '127.0.0.1:9090', { description: 'Address and port to listen on; port 0 picks a free one (default 127.0.0.1:9090)' });
  url = Option.String('--url', { description: 'Base URL other sites reach this server at (default: https://<listen address>)' });

  /** Serves until stopped: each request has its own bound (--request-timeout, default 30s), nothing is bounded by the start. */
  override longRunning(): boolean {
    return true;
  }

  async run(): Promise<number> {
    const { host, port } = parseListen(this.listen);
    if (this.url !== undefined) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(this.url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.protocol !== 'https:' || parsed.pathname !== '/' || parsed.search) throw usageError(`invalid --url "${this.url}": use https://host:port`);
    }
    const client = await this.client();
    const { GrantServer } = await import('../grants/server.js');
    const log = (line: string) => this.context.stdout.write(`${new Date().toISOString()} ${line}\n`);
    const server = new GrantServer({ client, namespaces: this.allNamespaces ? 'all' : [client.namespace], homeNamespace: client.namespace, listenHost: host, listenPort: port, url: this.url, log });
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const url = await server.start();
    log(`grant server listening on ${host}:${new URL(url).port || 443}, URL ${url}, for ${this.allNamespaces ? 'every namespace with a site' : `namespace ${client.namespace}`}`);
    const signal = await stopped;
    log(`${signal}: stopping`);
    await server.stop();
    log('stopped');
    return 0;
  }
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw usageError(`invalid --listen "${value}": use host:port, e.g. 127.0.0.1:9090 or [::1]:9090`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
