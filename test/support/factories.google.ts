import { randomUUID } from 'node:crypto';
import type { FakeGoogleBusiness } from '../../src/connectors/google-business/fake-google-business.ts';
import type { GoogleBusinessCredentials } from '../../src/connectors/google-business/google-business.api.ts';
import { GOOGLE_BUSINESS_LIMITS } from '../../src/connectors/google-business/google-business.auth.ts';
import { channels } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/platform/context.ts';

/**
 * A Google Business Profile location channel on a local fake (no OAuth round trip): a fresh location
 * of a fresh account, tokens obtained from the fake's token endpoint, sealed as the channels module
 * stores them. The app must allow private addresses (`PASSERELLE_ALLOW_PRIVATE_NETWORK: '1'`).
 */
export async function makeGoogleBusinessChannel(deps: Deps, workspaceId: string, fake: FakeGoogleBusiness, title = 'Café du Port') {
  const account = fake.addAccount(`${title} group`);
  const location = fake.addLocation(account, title);
  const tokens = await fakeTokens(fake);
  const id = randomUUID();
  const credentials: GoogleBusinessCredentials = {
    clientId: fake.options.clientId, clientSecret: fake.options.clientSecret, accessToken: tokens.access_token,
    accessTokenExpiresAt: new Date(deps.clock().getTime() + tokens.expires_in * 1000).toISOString(), refreshToken: tokens.refresh_token,
    grantId: `google-user:${fake.userId}`, account, location, locationTitle: title, mapsUri: `https://maps.google.com/?q=${encodeURIComponent(title)}`, apiBase: fake.url,
  };
  const [row] = await deps.db.insert(channels).values({
    id, workspaceId, network: 'google-business', remoteId: location, handle: title, displayName: title, profileUrl: credentials.mapsUri,
    credentialsSealed: deps.box.seal(credentials, `channel:${id}`), limits: GOOGLE_BUSINESS_LIMITS,
  }).returning();
  return { channel: row!, account, location };
}

/** An access + refresh token pair from the fake, through its consent page and token endpoint. */
async function fakeTokens(fake: FakeGoogleBusiness): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const redirect = 'http://127.0.0.1/cb';
  const auth = new URL(`${fake.url}/o/oauth2/v2/auth`);
  auth.search = new URLSearchParams({ client_id: fake.options.clientId, redirect_uri: redirect, response_type: 'code', access_type: 'offline', scope: 'https://www.googleapis.com/auth/business.manage' }).toString();
  const code = new URL((await fetch(auth, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const res = await fetch(`${fake.url}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: fake.options.clientId, client_secret: fake.options.clientSecret }).toString(),
  });
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
}
