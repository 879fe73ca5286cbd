// Every command the plugin has. The command path is the file path: site/create.ts is "site create".
import { RootCommand } from './root.js';
import { CompletionCommand } from './completion.js';
import { VersionCommand } from './version.js';
import { SiteCreateCommand } from './site/create.js';
import { SiteDeleteCommand } from './site/delete.js';
import { SiteGenerateCommand } from './site/generate.js';
import { SiteStatusCommand } from './site/status.js';
import { SiteUpdateCommand } from './site/update.js';
import { LinkCheckCommand } from './link/check.js';
import { LinkDeleteCommand } from './link/delete.js';
import { LinkGenerateCommand } from './link/generate.js';
import { LinkSitesCommand } from './link/sites.js';
import { LinkStatusCommand } from './link/status.js';
import { LinkUpdateCommand } from './link/update.js';
import { TokenIssueCommand } from './token/issue.js';
import { TokenRedeemCommand } from './token/redeem.js';
import { TokenInspectCommand } from './token/inspect.js';
import { GrantServerCommand } from './grant-server.js';
import { NetworkStatusCommand } from './network/status.js';
import { DoctorCommand } from './doctor.js';
import { ListenerCreateCommand } from './listener/create.js';
import { ListenerDeleteCommand } from './listener/delete.js';
import { ListenerGenerateCommand } from './listener/generate.js';
import { ListenerStatusCommand } from './listener/status.js';
import { ListenerUpdateCommand } from './listener/update.js';
import { ConnectorCreateCommand } from './connector/create.js';
import { ConnectorDeleteCommand } from './connector/delete.js';
import { ConnectorGenerateCommand } from './connector/generate.js';
import { ConnectorStatusCommand } from './connector/status.js';
import { ConnectorUpdateCommand } from './connector/update.js';
import { ServiceExposeCommand } from './service/expose.js';
import { ConnectorGroupCommand, LinkGroupCommand, ListenerGroupCommand, NetworkGroupCommand, ServiceGroupCommand, SiteGroupCommand, TokenGroupCommand } from './groups.js';

export const commands = [RootCommand, VersionCommand, SiteGroupCommand, LinkGroupCommand, TokenGroupCommand, NetworkGroupCommand, ListenerGroupCommand, ConnectorGroupCommand, ServiceGroupCommand,
  SiteCreateCommand, SiteUpdateCommand, SiteStatusCommand, SiteDeleteCommand, SiteGenerateCommand,
  LinkGenerateCommand, LinkStatusCommand, LinkUpdateCommand, LinkCheckCommand, LinkDeleteCommand, LinkSitesCommand,
  ListenerCreateCommand, ListenerUpdateCommand, ListenerStatusCommand, ListenerDeleteCommand, ListenerGenerateCommand,
  ConnectorCreateCommand, ConnectorUpdateCommand, ConnectorStatusCommand, ConnectorDeleteCommand, ConnectorGenerateCommand,
  ServiceExposeCommand,
  NetworkStatusCommand, DoctorCommand,
  TokenIssueCommand, TokenRedeemCommand, TokenInspectCommand, GrantServerCommand, CompletionCommand];
