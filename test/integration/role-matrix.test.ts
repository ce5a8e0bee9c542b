import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { desc, eq } from 'drizzle-orm';
import { apiTokens, notifications } from '../../src/db/schema/index.ts';
import { TOKEN_PREFIX } from '../../src/platform/auth.ts';
import { hashToken, randomToken } from '../../src/platform/crypto.ts';
import { ROLES, type Role } from '../../src/platform/policy.ts';
import { notify } from '../../src/modules/workspaces/index.ts';
import { savePendingConnection } from '../../src/modules/channels/google.service.ts';
import { Client, startTestApp, type TestApp } from '../support/app.ts';
import { addMember, makeUser, withToken, workspaceWithEveryRole } from '../support/factories.ts';
import { makeMastodonChannel, postOnFake } from '../support/factories.channels.ts';
import { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { authHeaders, EventStream } from '../support/sse.ts';
import { inboxRoleTable } from '../support/roles/inbox.ts';
import { publishingRoleTable } from '../support/roles/publishing.ts';
import { expectedRow, type RoleTable } from '../support/roles/table.ts';

/**
 * Who may call what. Written out by hand on purpose: it is the specification the policy must meet,
 * not a copy of it. A number is the success status; 403 means refused with code `forbidden`.
 * The publishing, inbox, moderation and relay modules keep their rows in their role tables
 * (test/support/roles/*.ts, hand-written too), which their own roles tests run with sessions; this file
 * runs every route with API tokens and creator-bounded tokens. A new workspace route fails this file
 * until its row is added here or to its module's table.
 */
const MATRIX: Record<string, readonly [owner: number, admin: number, editor: number, contributor: number, moderator: number, analyst: number, client: number]> = {
  //                                                      owner admin editor contrib moder analyst client
  'GET /api/workspaces/:wid':                              [200,  200,  200,   200,    200,  200,    200],
  'PATCH /api/workspaces/:wid':                            [200,  200,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/members':                      [200,  200,  200,   200,    200,  200,    200],
  'PATCH /api/workspaces/:wid/members/:userId':            [200,  200,  403,   403,    403,  403,    403],
  'DELETE /api/workspaces/:wid/members/:userId':           [204,  204,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/invitations':                  [200,  200,  403,   403,    403,  403,    403],
  'POST /api/workspaces/:wid/invitations':                 [201,  201,  403,   403,    403,  403,    403],
  'DELETE /api/workspaces/:wid/invitations/:id':           [204,  204,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/tokens':                       [200,  200,  200,   200,    200,  200,    200],
  'POST /api/workspaces/:wid/tokens':                      [201,  201,  201,   201,    201,  201,    201],
  'DELETE /api/workspaces/:wid/tokens/:id':                [204,  204,  204,   204,    204,  204,    204],
  'GET /api/workspaces/:wid/audit':                        [200,  200,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/audit.csv':                    [200,  200,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/notifications':                [200,  200,  200,   200,    200,  200,    200],
  'POST /api/workspaces/:wid/notifications/read-all':      [204,  204,  204,   204,    204,  204,    204],
  'POST /api/workspaces/:wid/notifications/:id/read':      [204,  204,  204,   204,    204,  204,    204],
  'GET /api/workspaces/:wid/events':                       [200,  200,  200,   200,    200,  200,    200],
  // Channels (against a local fake Mastodon instance). Where the role is allowed, the status is what the
  // network path then gives: the Bluesky sample points at a closed port (400 unreachable) and Mastodon
  // cannot hide replies (422) — either way the policy let the call through.
  'GET /api/workspaces/:wid/channels':                     [200,  200,  200,   200,    200,  200,    200],
  'POST /api/workspaces/:wid/channels/bluesky':            [400,  400,  403,   403,    403,  403,    403],
  'POST /api/workspaces/:wid/channels/mastodon/authorize': [200,  200,  403,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/channels/google-business':     [200,  200,  200,   200,    200,  200,    200],
  'POST /api/workspaces/:wid/channels/google-business/authorize': [200, 200, 403, 403,   403,  403,    403],
  'GET /api/workspaces/:wid/channels/google-business/connections/:id': [200, 200, 403, 403, 403, 403,   403],
  'POST /api/workspaces/:wid/channels/google-business/connections/:id': [201, 201, 403, 403, 403, 403,  403],
  'POST /api/workspaces/:wid/channels/:id/verify':         [200,  200,  403,   403,    403,  403,    403],
  'DELETE /api/workspaces/:wid/channels/:id':              [204,  204,  403,   403,    403,  403,    403],
  'POST /api/workspaces/:wid/channels/:id/validate':       [200,  200,  200,   200,    403,  403,    403],
  'POST /api/workspaces/:wid/channels/:id/posts':          [201,  201,  201,   403,    403,  403,    403],
  'POST /api/workspaces/:wid/channels/:id/posts/delete':   [204,  204,  204,   403,    403,  403,    403],
  'GET /api/workspaces/:wid/channels/:id/interactions':    [200,  200,  200,   403,    200,  200,    403],
  'POST /api/workspaces/:wid/channels/:id/moderate':       [422,  422,  403,   403,    422,  403,    403],
  'POST /api/workspaces/:wid/channels/:id/metrics':        [200,  200,  200,   200,    200,  200,    200],
};

/** Where an API token does not simply act as its role: tokens cannot mint tokens (a signed-in session must). */
const TOKEN_EXCEPTIONS: Record<string, number> = {
  'POST /api/workspaces/:wid/tokens': 403,
  // The OAuth round trip returns to a browser session, so connecting Mastodon needs one.
  'POST /api/workspaces/:wid/channels/mastodon/authorize': 403,
  'POST /api/workspaces/:wid/channels/google-business/authorize': 403,
};

/** Routes outside /api (no authentication): the short-link redirect. */
const PUBLIC_ROUTES = ['GET /l/:code'];

/** Routes outside a workspace: `public` answers anyone; `user` needs a signed-in session (an API token is not enough). */
const ACCOUNT_ROUTES: Record<string, 'public' | 'user'> = {
  'GET /api/setup': 'public',
  'POST /api/auth/signup': 'public',
  'POST /api/auth/signin': 'public',
  'POST /api/auth/signout': 'public',
  'POST /api/auth/password-reset': 'public',
  'POST /api/auth/password-reset/confirm': 'public',
  'GET /api/invitations/:token': 'public',
  'POST /api/invitations/:token/accept': 'public',
  'GET /api/me': 'user',
  'PATCH /api/me': 'user',
  'POST /api/me/password': 'user',
  'POST /api/me/totp/setup': 'user',
  'POST /api/me/totp/enable': 'user',
  'POST /api/me/totp/disable': 'user',
  'POST /api/workspaces': 'user',
  'GET /api/oauth/mastodon/callback': 'user',
  'GET /api/oauth/google-business/callback': 'user',
};

type Caller = { userId: string; role: Role };
type Sample = { url: string; body?: unknown };

describe('role matrix: every workspace route × every role', () => {
  let t: TestApp;
  let base: string;
  let ws: { id: string };
  let owner: Client;
  let sample: Record<string, (who: Caller) => Promise<Sample>>;
  let fake: FakeMastodon;
  /** The module tables (publishing, inbox, moderation, relay), keyed like MATRIX. */
  let modules: RoleTable;
  /** Every workspace route with its expected status per role (ROLES order). */
  let rows: [route: string, row: readonly number[]][];
  const sessions = {} as Record<Role, { client: Client; userId: string }>;

  before(async () => {
    // Behind a trusted proxy, each call names its own client address (see call()).
    t = await startTestApp({ env: {
      PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_TRUST_PROXY: '1', PASSERELLE_GOOGLE_CLIENT_ID: 'matrix.apps.googleusercontent.com', PASSERELLE_GOOGLE_CLIENT_SECRET: 'matrix-secret',
    } });
    fake = await new FakeMastodon({ requestsPerWindow: 1_000_000 }).start();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const made = await workspaceWithEveryRole(t);
    ws = made.ws;
    for (const role of ROLES) sessions[role] = { client: made.people[role].client, userId: made.people[role].user.id };
    owner = sessions.owner.client;
    const w = `/api/workspaces/${ws.id}`;
    const freshMember = async () => {
      const u = await makeUser(t.deps);
      await addMember(t.deps, ws.id, u.id, 'analyst');
      return u.id;
    };
    sample = {
      'GET /api/workspaces/:wid': async () => ({ url: w }),
      'PATCH /api/workspaces/:wid': async () => ({ url: w, body: { name: `Brand ${randomBytes(3).toString('hex')}` } }),
      'GET /api/workspaces/:wid/members': async () => ({ url: `${w}/members` }),
      'PATCH /api/workspaces/:wid/members/:userId': async () => ({ url: `${w}/members/${await freshMember()}`, body: { role: 'client' } }),
      'DELETE /api/workspaces/:wid/members/:userId': async () => ({ url: `${w}/members/${await freshMember()}` }),
      'GET /api/workspaces/:wid/invitations': async () => ({ url: `${w}/invitations` }),
      'POST /api/workspaces/:wid/invitations': async () => ({ url: `${w}/invitations`, body: { email: `guest-${randomBytes(4).toString('hex')}@example.com`, role: 'client' } }),
      'DELETE /api/workspaces/:wid/invitations/:id': async () => {
        const res = await owner.post(`${w}/invitations`, { email: `guest-${randomBytes(4).toString('hex')}@example.com`, role: 'client' });
        assert.equal(res.statusCode, 201);
        return { url: `${w}/invitations/${res.data.invitation.id}` };
      },
      'GET /api/workspaces/:wid/tokens': async () => ({ url: `${w}/tokens` }),
      'POST /api/workspaces/:wid/tokens': async (who) => ({ url: `${w}/tokens`, body: { name: 'ci', role: who.role } }),
      'DELETE /api/workspaces/:wid/tokens/:id': async (who) => {
        const [row] = await t.deps.db.insert(apiTokens).values({
          workspaceId: ws.id, userId: who.userId, name: 'to revoke', role: 'analyst', tokenHash: hashToken(`${TOKEN_PREFIX}${randomToken()}`),
        }).returning();
        return { url: `${w}/tokens/${row!.id}` };
      },
      'GET /api/workspaces/:wid/audit': async () => ({ url: `${w}/audit` }),
      'GET /api/workspaces/:wid/audit.csv': async () => ({ url: `${w}/audit.csv` }),
      'GET /api/workspaces/:wid/notifications': async () => ({ url: `${w}/notifications` }),
      'POST /api/workspaces/:wid/notifications/read-all': async () => ({ url: `${w}/notifications/read-all` }),
      'POST /api/workspaces/:wid/notifications/:id/read': async (who) => {
        await notify(t.deps, t.deps.db, ws.id, [who.userId], { kind: 'test', title: 'Hello' });
        const [n] = await t.deps.db.select().from(notifications).where(eq(notifications.userId, who.userId)).orderBy(desc(notifications.createdAt)).limit(1);
        return { url: `${w}/notifications/${n!.id}/read` };
      },
      'GET /api/workspaces/:wid/events': async () => ({ url: `${w}/events` }),
      'GET /api/workspaces/:wid/channels': async () => ({ url: `${w}/channels` }),
      'POST /api/workspaces/:wid/channels/bluesky': async () => ({ url: `${w}/channels/bluesky`, body: { handle: 'brand.test', appPassword: 'abcd-efgh-ijkl-mnop', pdsUrl: 'http://127.0.0.1:1' } }),
      'POST /api/workspaces/:wid/channels/mastodon/authorize': async () => ({ url: `${w}/channels/mastodon/authorize`, body: { instanceUrl: fake.url } }),
      'GET /api/workspaces/:wid/channels/google-business': async () => ({ url: `${w}/channels/google-business` }),
      'POST /api/workspaces/:wid/channels/google-business/authorize': async () => ({ url: `${w}/channels/google-business/authorize` }),
      'GET /api/workspaces/:wid/channels/google-business/connections/:id': async (who) => ({ url: `${w}/channels/google-business/connections/${await googleConnection(who)}` }),
      'POST /api/workspaces/:wid/channels/google-business/connections/:id': async (who) => ({
        url: `${w}/channels/google-business/connections/${await googleConnection(who)}`, body: { locations: ['locations/1'] },
      }),
      'POST /api/workspaces/:wid/channels/:id/verify': async () => ({ url: `${w}/channels/${(await channel()).id}/verify` }),
      'DELETE /api/workspaces/:wid/channels/:id': async () => ({ url: `${w}/channels/${(await channel()).id}` }),
      'POST /api/workspaces/:wid/channels/:id/validate': async () => ({ url: `${w}/channels/${(await channel()).id}/validate`, body: { text: 'Bonjour' } }),
      'POST /api/workspaces/:wid/channels/:id/posts': async () => ({ url: `${w}/channels/${(await channel()).id}/posts`, body: { text: 'Bonjour' } }),
      'POST /api/workspaces/:wid/channels/:id/posts/delete': async () => {
        const made = await makeMastodonChannel(t.deps, ws.id, fake);
        const status = await postOnFake(fake, made.token, 'to delete');
        return { url: `${w}/channels/${made.channel.id}/posts/delete`, body: { remoteId: status.id } };
      },
      'GET /api/workspaces/:wid/channels/:id/interactions': async () => ({ url: `${w}/channels/${(await channel()).id}/interactions` }),
      'POST /api/workspaces/:wid/channels/:id/moderate': async () => ({ url: `${w}/channels/${(await channel()).id}/moderate`, body: { action: 'hide', remoteId: '1' } }),
      'POST /api/workspaces/:wid/channels/:id/metrics': async () => {
        const made = await makeMastodonChannel(t.deps, ws.id, fake);
        const status = await postOnFake(fake, made.token, 'measured');
        return { url: `${w}/channels/${made.channel.id}/metrics`, body: { remoteIds: [status.id] } };
      },
    };
    // A Google consent of the caller's user, waiting for the choice of locations (no network call needed).
    const googleConnection = (who: Caller) => savePendingConnection(t.deps, { workspaceId: ws.id, userId: who.userId, connection: {
      grant: { accessToken: 'ya29.matrix', accessTokenExpiresAt: t.clock.now.toISOString(), refreshToken: '1//matrix', grantId: 'google-user:matrix' },
      locations: [{ account: 'accounts/1', accountName: null, location: 'locations/1', title: 'Matrix Café', address: null, mapsUri: null }], apiBase: null,
    } });
    // A fresh channel per call, so one call's state (rate limit, deletion) never decides another's outcome.
    const channel = async () => (await makeMastodonChannel(t.deps, ws.id, fake)).channel;
    const env = { t, ws, people: made.people, fake };
    modules = { ...publishingRoleTable(env), ...inboxRoleTable(env) };
    for (const [route, spec] of Object.entries(modules)) {
      assert.ok(!(route in MATRIX) && !(route in sample), `${route} is listed twice`);
      sample[route] = spec.sample;
    }
    rows = [...Object.entries(MATRIX), ...Object.entries(modules).map(([route, spec]): [string, readonly number[]] => [route, expectedRow(spec)])];
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  let calls = 0;
  /**
   * Calls `route` as `client`; the event stream is read over real HTTP since it never ends. Each call
   * comes from its own address, so per-address rate limits (CSV export: 10 a minute) never decide the outcome.
   */
  async function call(route: string, client: Client, who: Caller): Promise<{ status: number; code: string | undefined }> {
    const method = route.split(' ')[0]!;
    const s = await sample[route]!(who);
    if (route.endsWith('/events')) {
      const stream = await EventStream.open(base + s.url, authHeaders(client));
      stream.close();
      return { status: stream.status, code: undefined };
    }
    calls += 1;
    const res = await client.request(method, s.url, s.body, { 'x-forwarded-for': `10.${(calls >> 16) & 255}.${(calls >> 8) & 255}.${calls & 255}` });
    return { status: res.statusCode, code: res.data?.error?.code };
  }

  function expectOutcome(got: { status: number; code: string | undefined }, expected: number, label: string) {
    assert.equal(got.status, expected, `${label}: expected ${expected}, got ${got.status} ${got.code ?? ''}`);
    if (expected === 403) assert.equal(got.code, 'forbidden', label);
  }

  test('every /api route the app registers is in this file’s tables', () => {
    const missing = t.routes
      .filter((r) => r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !(key in MATRIX) && !(key in modules) && !(key in ACCOUNT_ROUTES));
    assert.deepEqual(missing, [], 'add these routes to MATRIX or their module’s role table (workspace routes), or ACCOUNT_ROUTES');
    assert.ok(t.routes.length >= rows.length + Object.keys(ACCOUNT_ROUTES).length);
  });

  test('every route outside /api is a public route listed here', () => {
    const outside = t.routes.filter((r) => !r.url.startsWith('/api/'));
    assert.deepEqual(outside.map((r) => `${r.method} ${r.url}`).sort(), [...PUBLIC_ROUTES].sort());
    for (const r of outside) assert.equal(r.auth, 'public', `${r.method} ${r.url}`);
  });

  test('every route in MATRIX is a workspace-scoped route of the app, and no other route is', () => {
    const workspaceRoutes = t.routes.filter((r) => r.auth === 'workspace').map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(workspaceRoutes, rows.map(([route]) => route).sort());
    for (const key of workspaceRoutes) assert.match(key, /^\w+ \/api\/workspaces\/:wid(\/|$)/);
  });

  test('the account routes are public or signed-in-only as listed', () => {
    for (const [key, auth] of Object.entries(ACCOUNT_ROUTES)) {
      const route = t.routes.find((r) => `${r.method} ${r.url}` === key);
      assert.ok(route, `${key} is not registered`);
      assert.equal(route.auth, auth, key);
    }
  });

  for (const [index, role] of ROLES.entries()) {
    // The module tables' routes are run with sessions by their modules' roles tests.
    test(`signed in as ${role}: each route of MATRIX is allowed or refused with 403 forbidden as the table says`, async () => {
      for (const [route, row] of Object.entries(MATRIX)) {
        expectOutcome(await call(route, sessions[role].client, { userId: sessions[role].userId, role }), row[index]!, `${role} ${route}`);
      }
    });

    test(`an API token with role ${role} acts like a ${role}`, async () => {
      const client = await withToken(t, ws.id, sessions.owner.userId, role);
      for (const [route, row] of rows) {
        const expected = TOKEN_EXCEPTIONS[route] ?? row[index]!;
        expectOutcome(await call(route, client, { userId: sessions.owner.userId, role }), expected, `token(${role}) ${route}`);
      }
    });

    test(`an owner-role API token created by a member who is now ${role} is bounded by ${role}`, async () => {
      const client = await withToken(t, ws.id, sessions[role].userId, 'owner');
      for (const [route, row] of rows) {
        const expected = TOKEN_EXCEPTIONS[route] ?? row[index]!;
        expectOutcome(await call(route, client, { userId: sessions[role].userId, role }), expected, `token(owner) of ${role} ${route}`);
      }
    });
  }

  test('without credentials every workspace route answers 401 unauthenticated', async () => {
    for (const [route] of rows) {
      const got = await call(route, new Client(t.app), { userId: sessions.owner.userId, role: 'owner' });
      assert.equal(got.status, 401, route);
      if (!route.endsWith('/events')) assert.equal(got.code, 'unauthenticated', route);
    }
  });

  test('an unknown or malformed bearer token is 401 on a workspace route, not a 404 or 403', async () => {
    for (const bearer of [`${TOKEN_PREFIX}${randomToken()}`, 'not-a-token']) {
      const c = new Client(t.app);
      c.bearer = bearer;
      const res = await c.get(`/api/workspaces/${ws.id}`);
      assert.equal(res.statusCode, 401, bearer);
      assert.equal(res.data.error.code, 'unauthenticated');
    }
  });

  test('signed-in-only account routes answer 401 without a session and 401 to an API token', async () => {
    const token = await withToken(t, ws.id, sessions.owner.userId, 'owner');
    for (const [key, auth] of Object.entries(ACCOUNT_ROUTES)) {
      if (auth !== 'user') continue;
      const [method, url] = key.split(' ') as [string, string];
      const body = method === 'GET' ? undefined : {};
      for (const [label, client] of [['anonymous', new Client(t.app)], ['token', token]] as const) {
        const res = await client.request(method, url, body);
        assert.equal(res.statusCode, 401, `${label} ${key}`);
        assert.equal(res.data.error.code, 'unauthenticated', `${label} ${key}`);
      }
    }
  });

  test('public account routes never ask for credentials', async () => {
    const samples: Record<string, unknown> = {
      'POST /api/auth/signup': { name: 'X', email: 'x@example.com', password: 'correct horse battery' },
      'POST /api/auth/signin': { email: 'x@example.com', password: 'wrong password' },
      'POST /api/auth/password-reset': { email: 'x@example.com' },
      'POST /api/auth/password-reset/confirm': { token: randomToken(), password: 'correct horse battery' },
      'POST /api/invitations/:token/accept': { name: 'X', password: 'correct horse battery' },
    };
    for (const [key, auth] of Object.entries(ACCOUNT_ROUTES)) {
      if (auth !== 'public') continue;
      const [method, pattern] = key.split(' ') as [string, string];
      const res = await new Client(t.app).request(method, pattern.replace(':token', randomToken()), samples[key]);
      assert.ok(res.statusCode < 500, `${key}: ${res.statusCode}`);
      assert.notEqual(res.data?.error?.code, 'unauthenticated', key);
    }
  });
});
