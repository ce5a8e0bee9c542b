import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { mediaAssets, mediaBlobs, postVariants, posts, shortLinks } from '../../db/schema/index.ts';
import { ROLES, type Role } from '../../platform/policy.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeMastodonChannel } from '../../../test/support/factories.publishing.ts';

/**
 * Who may call each publishing route: allowed roles are not refused (2xx, or a 4xx about the state or
 * input, never 403), the others get 403 `forbidden`. Each call gets fresh data in the state it needs.
 * The integrator copies these rows into test/integration/role-matrix.test.ts.
 */
const ALL = ROLES;
const DRAFT: Role[] = ['owner', 'admin', 'editor', 'contributor'];
const PUBLISH: Role[] = ['owner', 'admin', 'editor'];
const APPROVE: Role[] = ['owner', 'admin', 'editor', 'client'];
const MANAGERS: Role[] = ['owner', 'admin'];
const CHARTER: Role[] = ['owner', 'admin', 'editor'];

type Ids = { post: string; variant: string; media: string; link: string; channel: string };
type Spec = { route: string; allowed: readonly Role[]; state?: string; body?: (ids: Ids) => unknown; ok: number };

const SPECS: Spec[] = [
  { route: 'GET /posts', allowed: ALL, ok: 200 },
  { route: 'POST /posts', allowed: DRAFT, ok: 201, body: (i) => ({ variants: [{ channelId: i.channel, text: 'Bonjour' }] }) },
  { route: 'GET /posts/:id', allowed: ALL, ok: 200 },
  { route: 'PATCH /posts/:id', allowed: DRAFT, ok: 200, body: () => ({ title: 'Nouveau titre' }) },
  { route: 'DELETE /posts/:id', allowed: DRAFT, ok: 204 },
  { route: 'POST /posts/:id/duplicate', allowed: DRAFT, ok: 201 },
  { route: 'POST /compose/validate', allowed: ALL, ok: 200, body: (i) => ({ variants: [{ channelId: i.channel, text: 'Bonjour' }] }) },
  { route: 'POST /posts/:id/validate', allowed: ALL, ok: 200 },
  { route: 'POST /posts/:id/schedule', allowed: PUBLISH, ok: 200, body: () => ({ mode: 'at', at: new Date(Date.now() + 86_400_000).toISOString() }) },
  { route: 'POST /posts/:id/unschedule', allowed: PUBLISH, state: 'scheduled', ok: 200 },
  { route: 'GET /variants/:id', allowed: ALL, ok: 200 },
  { route: 'PATCH /variants/:id/schedule', allowed: DRAFT, ok: 200, body: () => ({ at: new Date(Date.now() + 86_400_000).toISOString() }) },
  { route: 'POST /variants/:id/retry', allowed: PUBLISH, state: 'failed', ok: 200 },
  { route: 'POST /variants/:id/resolve', allowed: PUBLISH, state: 'unknown', ok: 200, body: () => ({ outcome: 'published' }) },
  { route: 'GET /campaigns', allowed: ALL, ok: 200 },
  { route: 'POST /campaigns', allowed: DRAFT, ok: 201, body: () => ({ name: `Campagne ${Math.random()}` }) },
  { route: 'POST /posts/:id/submit', allowed: DRAFT, ok: 200 },
  { route: 'POST /posts/:id/approve', allowed: APPROVE, state: 'in_review', ok: 200, body: () => ({}) },
  { route: 'POST /posts/:id/reject', allowed: APPROVE, state: 'in_review', ok: 200, body: () => ({ comment: 'Non' }) },
  { route: 'GET /posts/:id/approvals', allowed: ALL, ok: 200 },
  { route: 'GET /approvals/inbox', allowed: APPROVE, ok: 200 },
  { route: 'GET /approval-flow', allowed: ALL, ok: 200 },
  { route: 'PUT /approval-flow', allowed: MANAGERS, ok: 200, body: () => ({ steps: [] }) },
  { route: 'GET /charter', allowed: ALL, ok: 200 },
  { route: 'PUT /charter', allowed: CHARTER, ok: 200, body: () => ({ toneNotes: '', rules: {} }) },
  { route: 'GET /calendar', allowed: ALL, ok: 200 },
  { route: 'GET /plan', allowed: ALL, ok: 200 },
  { route: 'PUT /plan', allowed: CHARTER, ok: 200, body: () => ({ slots: [] }) },
  { route: 'GET /best-times', allowed: ALL, ok: 200 },
  { route: 'POST /links', allowed: DRAFT, ok: 201, body: () => ({ url: 'https://example.com' }) },
  { route: 'GET /links', allowed: ALL, ok: 200 },
  { route: 'GET /links/:id/stats', allowed: ALL, ok: 200 },
  { route: 'POST /variants/:id/shorten-links', allowed: DRAFT, ok: 200, body: () => ({ utm: { source: 'test' } }) },
  { route: 'POST /media', allowed: DRAFT, ok: 201, body: () => ({ dataBase64: Buffer.from('89504e470d0a1a0a00', 'hex').toString('base64'), filename: 'a.png' }) },
  { route: 'GET /media', allowed: ALL, ok: 200 },
  { route: 'GET /media/:id/content', allowed: ALL, ok: 200 },
  { route: 'PATCH /media/:id', allowed: DRAFT, ok: 200, body: () => ({ altText: 'Texte' }) },
  { route: 'DELETE /media/:id', allowed: DRAFT, ok: 204 },
  { route: 'POST /imports/csv', allowed: DRAFT, ok: 200, body: () => ({ csv: 'time,channels,text\n2030-01-01 09:00,nobody,Bonjour\n', dryRun: true }) },
];

describe('publishing routes: allowed and refused per role', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let w: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  let channel: string;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    fake = await new FakeMastodon().start();
    w = await workspaceWithEveryRole(t);
    channel = (await makeMastodonChannel(t.deps, w.ws.id, fake)).channel.id;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  /** Fresh data for one call: a post by the contributor with one variant in `state`, a media asset, a link. */
  async function fresh(state = 'draft'): Promise<Ids> {
    const wid = w.ws.id;
    const [p] = await t.deps.db.insert(posts).values({ workspaceId: wid, authorId: w.people.contributor.user.id, title: 'Fixture', approvalStep: state === 'in_review' ? 0 : null, approvalRound: state === 'in_review' ? 1 : 0 }).returning();
    const [v] = await t.deps.db.insert(postVariants).values({
      workspaceId: wid, postId: p!.id, channelId: channel, text: 'Voir https://example.com', state,
      dueAt: new Date(Date.now() + 86_400_000), errorCode: state === 'failed' ? 'transient' : state === 'unknown' ? 'needs_decision' : null,
    }).returning();
    const [m] = await t.deps.db.insert(mediaAssets).values({ workspaceId: wid, kind: 'image', mimeType: 'image/png', sizeBytes: 9, sha256: 'x', filename: 'a.png' }).returning();
    await t.deps.db.insert(mediaBlobs).values({ assetId: m!.id, bytes: Buffer.from('89504e470d0a1a0a00', 'hex') });
    const [l] = await t.deps.db.insert(shortLinks).values({ workspaceId: wid, code: `c${Math.random().toString(36).slice(2, 12)}`, destination: 'https://example.com', originalUrl: 'https://example.com' }).returning();
    return { post: p!.id, variant: v!.id, media: m!.id, link: l!.id, channel };
  }

  function url(route: string, ids: Ids): string {
    const path = route.split(' ')[1]!;
    const id = path.startsWith('/variants/') ? ids.variant : path.startsWith('/media/') ? ids.media : path.startsWith('/links/') ? ids.link : ids.post;
    const q = path === '/calendar' ? `?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 7 * 86_400_000).toISOString())}` : '';
    return `/api/workspaces/${w.ws.id}${path.replace(':id', id)}${q}`;
  }

  test('every publishing route of the module is listed here', () => {
    const mine = t.routes.filter((r) => r.auth === 'workspace' && /^\/api\/workspaces\/:wid\/(posts|compose|variants|campaigns|approvals|approval-flow|charter|calendar|plan|best-times|links|media|imports)(\/|$)/.test(r.url))
      .map((r) => `${r.method} ${r.url.replace('/api/workspaces/:wid', '')}`);
    assert.deepEqual(mine.sort(), SPECS.map((s) => s.route).sort());
  });

  for (const spec of SPECS) {
    test(`${spec.route}: ${spec.allowed.join(', ')}`, async () => {
      for (const role of ROLES) {
        const ids = await fresh(spec.state);
        const [method] = spec.route.split(' ');
        const res = await w.people[role].client.request(method!, url(spec.route, ids), spec.body?.(ids));
        if (spec.allowed.includes(role)) {
          assert.equal(res.statusCode, spec.ok, `${role} should get ${spec.ok}: ${res.body}`);
        } else {
          assert.equal(res.statusCode, 403, `${role} should be refused: ${res.body}`);
          assert.equal(res.data.error.code, 'forbidden');
        }
      }
    });
  }

  test('a contributor may not change someone else’s post', async () => {
    const ids = await fresh();
    await t.deps.db.update(posts).set({ authorId: w.people.editor.user.id }).where(eq(posts.id, ids.post));
    const res = await w.people.contributor.client.patch(`/api/workspaces/${w.ws.id}/posts/${ids.post}`, { title: 'Pris' });
    assert.equal(res.statusCode, 403);
  });

  test('the public redirect needs no session', async () => {
    const ids = await fresh();
    const [l] = await t.deps.db.select().from(shortLinks).where(eq(shortLinks.id, ids.link));
    const res = await t.app.inject({ method: 'GET', url: `/l/${l!.code}` });
    assert.equal(res.statusCode, 302);
  });
});
