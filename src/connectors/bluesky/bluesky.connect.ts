/**
 * Connecting a Bluesky account with its handle and an app password. One `createSession` per connect;
 * afterwards the session is refreshed, never re-created per job (createSession: 30 per 5 minutes).
 *
 * @example
 * const connected = await connectBluesky(ctx, { identifier: 'alice.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' });
 */
import type { BaseContext, Connected } from '../connector.ts';
import { Rejected, Transient } from '../errors.ts';
import { HttpClient } from '../http.ts';
import { blueskyLimits } from './bluesky.connector.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc, parseBlueskyRateLimit, xrpcError } from './bluesky.xrpc.ts';

export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social';

const APP_PASSWORD = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;

interface DidDocument {
  service?: Array<{ id: string; type: string; serviceEndpoint: string }>;
}

/** The PDS URL from a DID document, or null. */
export function pdsFromDidDoc(doc: DidDocument | undefined): string | null {
  const service = doc?.service?.find((s) => s.id === '#atproto_pds' || s.id.endsWith('#atproto_pds'));
  return service?.serviceEndpoint ?? null;
}

/** Normalizes a PDS address typed by a user (`bsky.social`, `https://pds.example/`). */
export function normalizeServiceUrl(input: string | undefined): string {
  const trimmed = (input ?? '').trim();
  if (trimmed === '') return DEFAULT_BLUESKY_SERVICE;
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return url.origin;
  } catch {
    throw new Rejected(`"${trimmed}" is not a server address; leave it empty for bsky.social`, 'invalid_input', { network: 'bluesky' });
  }
}

/** Signs in with an app password and returns what the channels module stores. Nothing is stored here. */
export async function connectBluesky(
  ctx: BaseContext,
  input: { identifier: string; appPassword: string; service?: string },
): Promise<Connected<BlueskyCredentials>> {
  const service = normalizeServiceUrl(input.service);
  const identifier = input.identifier.trim().replace(/^@/, '');
  if (identifier === '') throw new Rejected('Enter the account\'s handle, e.g. alice.bsky.social', 'invalid_input', { network: 'bluesky' });
  if (!APP_PASSWORD.test(input.appPassword.trim())) {
    throw new Rejected('Use an app password (xxxx-xxxx-xxxx-xxxx, created in Bluesky under Settings → Privacy and security → App passwords), not the account password', 'invalid_input', { network: 'bluesky' });
  }
  const http = new HttpClient('bluesky', ctx, parseBlueskyRateLimit);
  const host = new URL(service).host;
  let res;
  try {
    res = await BlueskyXrpc.raw(
      http,
      service,
      'com.atproto.server.createSession',
      { method: 'POST', json: { identifier, password: input.appPassword.trim() }, what: 'sign in' },
      null,
    );
  } catch (error) {
    if (error instanceof Transient) throw new Rejected(`Could not reach ${host}: check the server address, or try again later`, 'unreachable', { network: 'bluesky', cause: error });
    throw error;
  }
  if (res.status === 401 || res.status === 400) {
    const { error } = xrpcError(res);
    if (error === 'AccountTakedown') throw new Rejected(`${host} has suspended this account`, 'forbidden', { network: 'bluesky', status: res.status });
    throw new Rejected(`${host} refused this handle and app password: check the handle, and that the app password was not revoked`, 'invalid_credentials', { network: 'bluesky', status: res.status });
  }
  if (res.status === 404) throw new Rejected(`${host} is not a Bluesky (AT Protocol) server`, 'not_an_instance', { network: 'bluesky', status: 404 });
  if (res.status !== 200) throw new Rejected(`${host} refused to sign in (${res.status})`, 'invalid_input', { network: 'bluesky', status: res.status });
  const session = res.json<{ did: string; handle: string; accessJwt: string; refreshJwt: string; didDoc?: DidDocument; active?: boolean; status?: string }>();
  if (session.active === false) throw new Rejected(`This account is ${session.status ?? 'not active'} on ${host}`, 'forbidden', { network: 'bluesky' });
  const credentials: BlueskyCredentials = {
    service,
    pdsUrl: pdsFromDidDoc(session.didDoc) ?? service,
    did: session.did,
    handle: session.handle,
    appPassword: input.appPassword.trim(),
    accessJwt: session.accessJwt,
    refreshJwt: session.refreshJwt,
  };
  // Read the profile with the new session (its saves land in `credentials`).
  const holder = { credentials };
  const x = new BlueskyXrpc({
    ...ctx,
    credentials,
    rateLimitedUntil: null,
    onRateLimit: async () => {},
    saveCredentials: async (next) => {
      holder.credentials = next;
    },
  });
  const profile = (await x.call('app.bsky.actor.getProfile', { method: 'GET', params: { actor: session.did }, what: 'read the profile' })).json<{
    did: string;
    handle: string;
    displayName?: string;
    avatar?: string;
  }>();
  return {
    account: { remoteId: profile.did, handle: profile.handle, displayName: profile.displayName || null, avatarUrl: profile.avatar ?? null, url: `https://bsky.app/profile/${profile.handle}` },
    credentials: holder.credentials,
    limits: blueskyLimits,
    // The session renews itself (refresh token, then the app password): no expiry the user must act on.
    tokenExpiresAt: null,
  };
}
