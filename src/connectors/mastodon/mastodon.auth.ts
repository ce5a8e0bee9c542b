/**
 * Connecting a Mastodon account: check the instance, register Passerelle's app on it (once per
 * instance), send the user to its authorization page, exchange the code for a token, and read the
 * account and the instance's limits.
 *
 * @example
 * const { authorizeUrl, pending } = await beginMastodonAuthorization(ctx, { instanceUrl: 'mastodon.social', redirectUri, state });
 * // store `pending` in the user's session, redirect to authorizeUrl; on the callback:
 * const connected = await completeMastodonAuthorization(ctx, pending, code);
 */
import { createHash, randomBytes } from 'node:crypto';
import type { BaseContext, Connected } from '../connector.ts';
import { Rejected, Transient } from '../errors.ts';
import type { MastodonAccount, MastodonCredentials, MastodonInstance } from './mastodon.api.ts';
import { limitsFromInstance, toProfile } from './mastodon.api.ts';
import { MastodonApi } from './mastodon.connector.ts';

export const MASTODON_SCOPES = 'read write:statuses write:media write:blocks';

/** An app registered on one instance; the channels module may keep it to reuse for the next channel there. */
export interface MastodonApp {
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** What must survive between the redirect to the instance and the callback (keep it server-side). */
export interface MastodonPendingAuthorization {
  app: MastodonApp;
  codeVerifier: string;
}

/**
 * The instance's origin from what a user typed: `mastodon.social`, `https://mastodon.social/@me`…
 * Throws `Rejected('invalid_input')` when it is not a usable URL.
 */
export function normalizeInstanceUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Rejected(`"${trimmed}" is not an instance address; type it like mastodon.social`, 'invalid_input', { network: 'mastodon' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '' || url.username || url.password) {
    throw new Rejected(`"${trimmed}" is not an instance address; type it like mastodon.social`, 'invalid_input', { network: 'mastodon' });
  }
  return url.origin;
}

/** Reads `/api/v2/instance`; a connection failure or a non-Mastodon answer becomes a clear `Rejected`. */
export async function fetchInstance(ctx: BaseContext, instanceUrl: string): Promise<MastodonInstance> {
  const host = new URL(instanceUrl).host;
  const client = new MastodonApi(ctx, instanceUrl, null);
  let instance: MastodonInstance;
  try {
    const res = await client.call({ method: 'GET', path: '/api/v2/instance', what: 'read the instance information', allow: [404] });
    if (res.status === 404) throw new Rejected(`${host} does not look like a Mastodon instance (no /api/v2/instance)`, 'not_an_instance', { network: 'mastodon' });
    instance = res.json<MastodonInstance>();
  } catch (error) {
    if (error instanceof Transient) {
      throw new Rejected(`Could not reach ${host}: check the address, or try again if the instance is down`, 'unreachable', { network: 'mastodon', cause: error });
    }
    throw error;
  }
  if (typeof instance !== 'object' || instance === null || instance.configuration === undefined) {
    throw new Rejected(`${host} does not look like a Mastodon instance`, 'not_an_instance', { network: 'mastodon' });
  }
  return instance;
}

/** Registers Passerelle on the instance (`POST /api/v1/apps`). */
export async function registerMastodonApp(
  ctx: BaseContext,
  input: { instanceUrl: string; redirectUri: string; appName?: string; website?: string },
): Promise<MastodonApp> {
  const client = new MastodonApi(ctx, input.instanceUrl, null);
  const body: Record<string, string> = { client_name: input.appName ?? 'Passerelle', redirect_uris: input.redirectUri, scopes: MASTODON_SCOPES };
  if (input.website) body['website'] = input.website;
  const res = await client.call({ method: 'POST', path: '/api/v1/apps', json: body, what: 'register Passerelle on the instance' });
  const app = res.json<{ client_id?: string; client_secret?: string }>();
  if (!app.client_id || !app.client_secret) {
    throw new Rejected(`${new URL(input.instanceUrl).host} did not return app credentials`, 'not_an_instance', { network: 'mastodon' });
  }
  return { instanceUrl: input.instanceUrl, clientId: app.client_id, clientSecret: app.client_secret, redirectUri: input.redirectUri };
}

/** The instance's authorization page for `app`, with PKCE (S256) and the caller's CSRF `state`. */
export function mastodonAuthorizeUrl(app: MastodonApp, state: string, codeVerifier: string): string {
  const challenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const url = new URL('/oauth/authorize', app.instanceUrl);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: MASTODON_SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/**
 * Step 1: check the instance, register the app unless one is given for it, and build the authorization URL.
 */
export async function beginMastodonAuthorization(
  ctx: BaseContext,
  input: { instanceUrl: string; redirectUri: string; state: string; app?: MastodonApp; appName?: string; website?: string },
): Promise<{ authorizeUrl: string; pending: MastodonPendingAuthorization }> {
  const instanceUrl = normalizeInstanceUrl(input.instanceUrl);
  await fetchInstance(ctx, instanceUrl);
  const app =
    input.app && input.app.instanceUrl === instanceUrl && input.app.redirectUri === input.redirectUri
      ? input.app
      : await registerMastodonApp(ctx, { instanceUrl, redirectUri: input.redirectUri, ...(input.appName ? { appName: input.appName } : {}), ...(input.website ? { website: input.website } : {}) });
  const codeVerifier = randomBytes(32).toString('base64url');
  return { authorizeUrl: mastodonAuthorizeUrl(app, input.state, codeVerifier), pending: { app, codeVerifier } };
}

/** Step 2: exchange the code, read the account and the limits. Nothing is stored here. */
export async function completeMastodonAuthorization(
  ctx: BaseContext,
  pending: MastodonPendingAuthorization,
  code: string,
): Promise<Connected<MastodonCredentials>> {
  const { app } = pending;
  const host = new URL(app.instanceUrl).host;
  const client = new MastodonApi(ctx, app.instanceUrl, null);
  const res = await client.call({
    method: 'POST',
    path: '/oauth/token',
    json: {
      grant_type: 'authorization_code',
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: app.redirectUri,
      scope: MASTODON_SCOPES,
      code_verifier: pending.codeVerifier,
    },
    what: 'exchange the authorization code',
    allow: [400, 401],
  });
  if (res.status !== 200) {
    throw new Rejected(`${host} refused the authorization (expired, already used or denied); start connecting again`, 'invalid_credentials', { network: 'mastodon', status: res.status });
  }
  const token = res.json<{ access_token?: string }>().access_token;
  if (!token) throw new Rejected(`${host} returned no access token`, 'invalid_credentials', { network: 'mastodon' });
  const authed = new MastodonApi(ctx, app.instanceUrl, token);
  const account = (await authed.call({ method: 'GET', path: '/api/v1/accounts/verify_credentials', what: 'verify the account' })).json<MastodonAccount>();
  const instance = (await authed.call({ method: 'GET', path: '/api/v2/instance', what: 'read the instance limits' })).json<MastodonInstance>();
  return {
    account: toProfile(account, app.instanceUrl),
    credentials: { instanceUrl: app.instanceUrl, accessToken: token, accountId: account.id, clientId: app.clientId, clientSecret: app.clientSecret },
    limits: limitsFromInstance(instance),
    tokenExpiresAt: null,
  };
}
