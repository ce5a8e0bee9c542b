/**
 * Network id → connector. Services look connectors up here and use only the `Connector` interface;
 * the connect flows differ per network (`capabilities.auth`) and are exported beside.
 *
 * @example
 * const connector = getConnector(channel.network);
 * const issues = connector.validate(variant, channel.limits);
 */
import { createBlueskyConnector } from './bluesky/bluesky.connector.ts';
import type { Connector, NetworkId } from './connector.ts';
import { createGoogleBusinessConnector } from './google-business/google-business.connector.ts';
import { createMastodonConnector } from './mastodon/mastodon.connector.ts';

export { connectBluesky, normalizeServiceUrl, DEFAULT_BLUESKY_SERVICE } from './bluesky/bluesky.connect.ts';
export type { BlueskyCredentials } from './bluesky/bluesky.xrpc.ts';
export {
  beginMastodonAuthorization,
  completeMastodonAuthorization,
  normalizeInstanceUrl,
  type MastodonApp,
  type MastodonPendingAuthorization,
} from './mastodon/mastodon.auth.ts';
export type { MastodonCredentials } from './mastodon/mastodon.api.ts';
export {
  beginGoogleAuthorization,
  connectGoogleLocation,
  exchangeGoogleCode,
  listGoogleLocations,
  type GoogleGrant,
  type GoogleLocationChoice,
  type GooglePendingAuthorization,
} from './google-business/google-business.auth.ts';
export type { GoogleBusinessCredentials, GoogleClient } from './google-business/google-business.api.ts';

const connectors: Record<NetworkId, Connector<never>> = {
  bluesky: createBlueskyConnector() as Connector<never>,
  mastodon: createMastodonConnector() as Connector<never>,
  'google-business': createGoogleBusinessConnector() as Connector<never>,
};

/** Every network Passerelle can connect. */
export const networks = Object.keys(connectors) as NetworkId[];

/** True when `id` names a network with a connector. */
export function isNetworkId(id: string): id is NetworkId {
  return Object.hasOwn(connectors, id);
}

/**
 * The connector of `network`. Credentials are typed per network; the channels module passes the
 * decrypted credentials object it stored for that channel.
 */
export function getConnector(network: NetworkId): Connector<unknown> {
  const connector = connectors[network];
  if (connector === undefined) throw new Error(`No connector for network ${network}`);
  return connector as Connector<unknown>;
}
