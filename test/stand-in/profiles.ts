// The controller's TLS profiles watcher, as the controller stand-in plays it: each Secret that backs
// an sslProfile of the router config carries the annotation internal.skupper.io/tls-profile-context,
// a JSON list of {profileName, ordinal} sorted by profile name. The real kube-adaptor writes a
// profile's files only from a Secret so annotated (its -init waits for it), and the ordinal goes up
// each time the Secret's contents change. Test and demo only.
import { createHash } from 'node:crypto';
import type { KubeClient } from '../../src/kube/client.js';
import { SECRETS, type Secret } from '../../src/kube/resources.js';

export const PROFILE_CONTEXT = 'internal.skupper.io/tls-profile-context';

/** The Secrets that may back a profile: its own name, and the name less "-profile". */
export function profileSecrets(profile: string): string[] {
  return profile.endsWith('-profile') ? [profile, profile.slice(0, -'-profile'.length)] : [profile];
}

interface ProfileState {
  secret: string;
  sum: string;
  ordinal: number;
}

export class ProfilesWatcher {
  private readonly state = new Map<string, ProfileState>();

  constructor(private readonly client: KubeClient, private readonly ns: string) {}

  /** Annotates the Secrets behind the given profiles; forgets profiles no longer in use. */
  async sync(profiles: string[]): Promise<void> {
    for (const name of [...this.state.keys()]) if (!profiles.includes(name)) this.state.delete(name);
    const bySecret = new Map<string, { profileName: string; ordinal: number }[]>();
    const secrets = new Map<string, Secret>();
    for (const profile of profiles) {
      let secret: Secret | undefined;
      for (const name of profileSecrets(profile)) {
        secret = await this.client.find(SECRETS, name, this.ns);
        if (secret?.type === 'kubernetes.io/tls') break;
        secret = undefined;
      }
      if (!secret) continue;
      const sum = checksum(secret);
      const known = this.state.get(profile);
      const state = known?.secret === secret.metadata.name ? known : { secret: secret.metadata.name, sum, ordinal: 0 };
      if (state.sum !== sum) (state.sum = sum), (state.ordinal += 1);
      this.state.set(profile, state);
      secrets.set(secret.metadata.name, secret);
      bySecret.set(secret.metadata.name, [...(bySecret.get(secret.metadata.name) ?? []), { profileName: profile, ordinal: state.ordinal }]);
    }
    for (const [name, context] of bySecret) {
      const value = JSON.stringify(context.sort((a, b) => a.profileName.localeCompare(b.profileName)));
      if (secrets.get(name)!.metadata.annotations?.[PROFILE_CONTEXT] === value) continue;
      await this.client.patch(SECRETS, name, { metadata: { annotations: { [PROFILE_CONTEXT]: value } } }, this.ns);
    }
  }
}

function checksum(secret: Secret): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(secret.data ?? {}).sort()) hash.update(`:${key}:${secret.data![key]}:`);
  return hash.digest('hex');
}
