/**
 * Connecting Google Business Profile locations: Google's OAuth 2.0 web-server flow (authorization code
 * + PKCE S256 + state, `access_type=offline` and `prompt=consent` so a refresh token comes back), then
 * the user's accounts (Account Management API) and their locations (Business Information API), then
 * one channel per chosen location. Nothing is stored here: the channels module keeps the pending
 * authorization and the tokens, sealed.
 *
 * @example
 * const { authorizeUrl, pending } = beginGoogleAuthorization({ client, redirectUri, state, apiBase: null });
 * // redirect; on the callback:
 * const grant = await exchangeGoogleCode(ctx, client, pending, code);
 * const locations = await listGoogleLocations(ctx, grant, pending.apiBase);
 * const connected = connectGoogleLocation(client, grant, locations[0], pending.apiBase);
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { BaseContext, Connected, Limits } from '../connector.ts';
import { AuthExpired, Rejected, Transient } from '../errors.ts';
import type { HttpContext } from '../http.ts';
import type { GoogleAccount, GoogleBusinessCredentials, GoogleClient, GoogleLocation, GoogleTokenResponse } from './google-business.api.ts';
import { GOOGLE_BUSINESS_SCOPE, googleEndpoints, GoogleApi, googleHttp } from './google-business.api.ts';

/** What must survive between the redirect to Google and the callback (kept sealed, server-side). */
export interface GooglePendingAuthorization {
  codeVerifier: string;
  redirectUri: string;
  apiBase: string | null;
}

/** Tokens of one consent, before any location is chosen. */
export interface GoogleGrant {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  grantId: string;
}

/** A location the user may connect. */
export interface GoogleLocationChoice {
  /** `accounts/{a}` */
  account: string;
  accountName: string | null;
  /** `locations/{l}` */
  location: string;
  title: string;
  address: string | null;
  mapsUri: string | null;
}

/** A reply is plain text of at most 4,096 bytes (ReviewReply.comment); no media, no threads. */
export const GOOGLE_BUSINESS_LIMITS: Limits = {
  text: { maxLength: 4096, counting: 'graphemes', maxBytes: 4096, urlLength: null },
  media: { maxCount: 0, maxImageBytes: 0, imageMimeTypes: [], maxAltTextLength: 0 },
  maxThreadParts: 1,
  maxLanguages: 1,
};

/** Step 1: the Google consent page for `client`, with PKCE (S256) and the caller's CSRF `state`. */
export function beginGoogleAuthorization(input: { client: GoogleClient; redirectUri: string; state: string; apiBase: string | null }): {
  authorizeUrl: string;
  pending: GooglePendingAuthorization;
} {
  const codeVerifier = randomBytes(32).toString('base64url');
  const url = new URL(googleEndpoints(input.apiBase).authorize);
  url.search = new URLSearchParams({
    client_id: input.client.clientId,
    redirect_uri: input.redirectUri,
    response_type: 'code',
    // openid: the id token names the Google user, whose grant several channels may share (see grantOf).
    scope: `openid ${GOOGLE_BUSINESS_SCOPE}`,
    // offline + consent: Google returns a refresh token (again) even if the user consented before.
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: 'true',
    state: input.state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { authorizeUrl: url.toString(), pending: { codeVerifier, redirectUri: input.redirectUri, apiBase: input.apiBase } };
}

/** POSTs a form to the token endpoint; returns the status and the parsed answer. */
async function tokenRequest(ctx: HttpContext, apiBase: string | null, form: Record<string, string>, what: string): Promise<{ status: number; body: GoogleTokenResponse }> {
  const http = googleHttp(ctx);
  const res = await http.call({
    method: 'POST',
    url: googleEndpoints(apiBase).token,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    what,
  });
  let body: GoogleTokenResponse = {};
  try {
    body = JSON.parse(res.text) as GoogleTokenResponse;
  } catch {
    if (res.status < 400) throw new Transient(`Google's token endpoint answered ${res.status} without JSON`, { network: 'google-business' });
  }
  return { status: res.status, body };
}

function expiry(ctx: BaseContext, seconds: number | undefined): string {
  return new Date(ctx.now().getTime() + (seconds ?? 3600) * 1000).toISOString();
}

/** Step 2: exchanges the code (with the PKCE verifier) for an access token and a refresh token. */
export async function exchangeGoogleCode(ctx: BaseContext, client: GoogleClient, pending: GooglePendingAuthorization, code: string): Promise<GoogleGrant> {
  const { status, body } = await tokenRequest(ctx, pending.apiBase, {
    grant_type: 'authorization_code',
    code,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.codeVerifier,
  }, 'exchange the authorization code');
  if (status !== 200 || !body.access_token) {
    if (body.error === 'invalid_client' || body.error === 'unauthorized_client') {
      throw new Rejected('Google refused Passerelle\'s OAuth client: check PASSERELLE_GOOGLE_CLIENT_ID and PASSERELLE_GOOGLE_CLIENT_SECRET', 'invalid_credentials', { network: 'google-business', status });
    }
    throw new Rejected('Google refused the authorization (expired, already used or denied); start connecting again', 'invalid_credentials', { network: 'google-business', status });
  }
  if (body.scope !== undefined && !body.scope.split(' ').includes(GOOGLE_BUSINESS_SCOPE)) {
    throw new Rejected('Google did not grant access to the Business Profile: allow "manage your business" on the consent page', 'invalid_credentials', { network: 'google-business' });
  }
  if (!body.refresh_token) {
    throw new Rejected('Google returned no refresh token, so the connection would stop working within an hour; start connecting again', 'invalid_credentials', { network: 'google-business' });
  }
  const sub = subjectOf(body.id_token);
  return {
    accessToken: body.access_token, accessTokenExpiresAt: expiry(ctx, body.expires_in), refreshToken: body.refresh_token,
    grantId: sub ? `google-user:${sub}` : `consent:${randomUUID()}`,
  };
}

/**
 * The Google user (`sub`) an id token names. It came straight from Google's token endpoint over TLS,
 * so its signature is not checked (OpenID Connect Core §3.1.3.7); it only groups channels by grant.
 */
function subjectOf(idToken: string | undefined): string | null {
  const payload = idToken?.split('.')[1];
  if (!payload) return null;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null;
  }
}

/**
 * A new access token from the refresh token. `invalid_grant` (revoked, expired, password changed…)
 * → `AuthExpired`: the user must connect again.
 */
export async function refreshGoogleToken(ctx: BaseContext, credentials: GoogleBusinessCredentials): Promise<GoogleBusinessCredentials> {
  const { status, body } = await tokenRequest(ctx, credentials.apiBase, {
    grant_type: 'refresh_token',
    refresh_token: credentials.refreshToken,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  }, 'renew the access token');
  if (status !== 200 || !body.access_token) {
    const why = body.error === 'invalid_client'
      ? 'Google no longer accepts Passerelle\'s OAuth client (was its secret changed?)'
      : 'Google no longer accepts this channel\'s authorization (revoked or expired)';
    throw new AuthExpired(`${why}: reconnect the channel`, { network: 'google-business' });
  }
  return {
    ...credentials,
    accessToken: body.access_token,
    accessTokenExpiresAt: expiry(ctx, body.expires_in),
    // Google normally keeps the refresh token; take a new one if it sends one.
    refreshToken: body.refresh_token ?? credentials.refreshToken,
  };
}

/** Revokes the grant (the refresh token and its access tokens). Already revoked counts as done. */
export async function revokeGoogleToken(ctx: BaseContext, credentials: GoogleBusinessCredentials): Promise<void> {
  const http = googleHttp(ctx);
  const res = await http.call({
    method: 'POST',
    url: googleEndpoints(credentials.apiBase).revoke,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: credentials.refreshToken }).toString(),
    what: 'revoke the authorization',
  });
  if (res.status !== 200 && res.status !== 400) {
    throw new Rejected(`Google refused to revoke the authorization (${res.status})`, 'invalid_input', { network: 'google-business', status: res.status });
  }
}

function addressOf(location: GoogleLocation): string | null {
  const a = location.storefrontAddress;
  if (!a) return null;
  const parts = [...(a.addressLines ?? []), [a.postalCode, a.locality].filter(Boolean).join(' ')].filter((p) => p && p.trim() !== '');
  return parts.length ? parts.join(', ') : null;
}

/** Every location of every account the user manages (accounts.list, then locations.list per account, all pages). */
export async function listGoogleLocations(ctx: BaseContext, grant: GoogleGrant, apiBase: string | null): Promise<GoogleLocationChoice[]> {
  const endpoints = googleEndpoints(apiBase);
  const api = new GoogleApi(ctx, grant.accessToken);
  const accounts: GoogleAccount[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const url = new URL(`${endpoints.accountManagement}/accounts`);
    url.searchParams.set('pageSize', '20');
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const body = (await api.call({ method: 'GET', url, what: 'list your Business Profile accounts' })).json<{ accounts?: GoogleAccount[]; nextPageToken?: string }>();
    accounts.push(...(body.accounts ?? []));
    pageToken = body.nextPageToken;
    if (!pageToken) break;
  }
  const out: GoogleLocationChoice[] = [];
  for (const account of accounts) {
    pageToken = undefined;
    for (let page = 0; page < 50; page++) {
      const url = new URL(`${endpoints.businessInformation}/${account.name}/locations`);
      url.searchParams.set('readMask', 'name,title,storefrontAddress,metadata');
      url.searchParams.set('pageSize', '100');
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const body = (await api.call({ method: 'GET', url, what: 'list the locations' })).json<{ locations?: GoogleLocation[]; nextPageToken?: string }>();
      for (const l of body.locations ?? []) {
        out.push({
          account: account.name, accountName: account.accountName ?? null, location: l.name, title: l.title ?? l.name,
          address: addressOf(l), mapsUri: l.metadata?.mapsUri ?? null,
        });
      }
      pageToken = body.nextPageToken;
      if (!pageToken) break;
    }
  }
  return out;
}

/** Step 3: the channel of one chosen location (remote id = `locations/{id}`). */
export function connectGoogleLocation(client: GoogleClient, grant: GoogleGrant, choice: GoogleLocationChoice, apiBase: string | null): Connected<GoogleBusinessCredentials> {
  return {
    account: { remoteId: choice.location, handle: choice.title, displayName: choice.title, avatarUrl: null, url: choice.mapsUri ?? 'https://business.google.com/' },
    credentials: {
      ...client, ...grant, account: choice.account, location: choice.location, locationTitle: choice.title, mapsUri: choice.mapsUri, apiBase,
    },
    limits: GOOGLE_BUSINESS_LIMITS,
    // The access token expires within the hour but the connector renews it: nothing for the user to do.
    tokenExpiresAt: null,
  };
}
