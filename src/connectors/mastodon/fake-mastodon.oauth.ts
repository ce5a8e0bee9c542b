/**
 * The fake Mastodon's public endpoints (no token): the instance's configuration (/api/v2/instance), app
 * registration (/api/v1/apps) and the OAuth 2.0 flow (/oauth/authorize with PKCE, /oauth/token,
 * /oauth/revoke).
 */
import { createHash } from 'node:crypto';
import type { FakeCall } from './fake-mastodon.state.ts';

/** Answers the public endpoints; false when the request is for another one. */
export async function handlePublic({ fake, state, res, method, url, send, readBody }: FakeCall): Promise<boolean> {
  if (method === 'GET' && url.pathname === '/api/v2/instance') {
    send(200, {
      domain: new URL(fake.url).host,
      version: '4.3.0',
      configuration: {
        statuses: { max_characters: fake.options.maxCharacters, max_media_attachments: fake.options.maxMediaAttachments, characters_reserved_per_url: fake.options.charactersReservedPerUrl },
        media_attachments: { supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4'], image_size_limit: fake.options.imageSizeLimit, description_limit: 1500 },
        ...(fake.streamingUrl ? { urls: { streaming: fake.streamingUrl } } : {}),
      },
    });
    return true;
  }
  if (method === 'POST' && url.pathname === '/api/v1/apps') {
    const body = await readBody();
    if (!body['client_name'] || !body['redirect_uris']) {
      send(422, { error: 'Validation failed: Application name can\'t be blank' });
      return true;
    }
    const clientId = `client-${state.id()}`;
    const secret = `secret-${state.id()}`;
    state.apps.set(clientId, { secret, redirectUris: String(body['redirect_uris']).split(/\s+/), scopes: String(body['scopes'] ?? 'read') });
    send(200, { id: state.id(), name: body['client_name'], client_id: clientId, client_secret: secret, redirect_uri: body['redirect_uris'] });
    return true;
  }
  if (method === 'GET' && url.pathname === '/oauth/authorize') {
    const clientId = url.searchParams.get('client_id') ?? '';
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const app = state.apps.get(clientId);
    if (!app || !app.redirectUris.includes(redirectUri) || fake.authorizingAccountId === null) {
      send(400, { error: 'invalid_request' });
      return true;
    }
    const code = `code-${state.id()}`;
    state.codes.set(code, { clientId, redirectUri, challenge: url.searchParams.get('code_challenge'), accountId: fake.authorizingAccountId });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const oauthState = url.searchParams.get('state');
    if (oauthState !== null) target.searchParams.set('state', oauthState);
    res.writeHead(302, { location: target.toString() }).end();
    return true;
  }
  if (method === 'POST' && url.pathname === '/oauth/token') {
    const body = await readBody();
    const app = state.apps.get(String(body['client_id']));
    if (!app || app.secret !== body['client_secret']) {
      send(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      return true;
    }
    const grant = state.codes.get(String(body['code']));
    const verifier = body['code_verifier'] === undefined ? null : String(body['code_verifier']);
    const pkceOk = grant?.challenge == null || (verifier !== null && createHash('sha256').update(verifier).digest('base64url') === grant.challenge);
    if (!grant || grant.clientId !== body['client_id'] || grant.redirectUri !== body['redirect_uri'] || !pkceOk) {
      send(400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' });
      return true;
    }
    state.codes.delete(String(body['code']));
    const token = `token-${state.id()}`;
    state.tokens.set(token, { accountId: grant.accountId, clientId: grant.clientId, revoked: false });
    send(200, { access_token: token, token_type: 'Bearer', scope: app.scopes, created_at: Math.floor(Date.now() / 1000) });
    return true;
  }
  if (method === 'POST' && url.pathname === '/oauth/revoke') {
    const body = await readBody();
    const t = state.tokens.get(String(body['token']));
    if (t) t.revoked = true;
    send(200, {});
    return true;
  }
  return false;
}
