import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { channels, linkClicks, metricPoints, notifications, postVariants } from '../../db/schema/index.ts';
import { startTestApp, TestClock, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeMastodonChannel, mastodonLimits } from '../../../test/support/factories.publishing.ts';
import { Scheduler } from './scheduler.ts';
import { collectMetrics } from './metrics.jobs.ts';

/**
 * The publishing API end to end (without the browser): compose for two channels with live validation,
 * a charter block, a contributor submitting, an editor approving, the calendar and its drag, the
 * scheduler publishing to a local Mastodon-like server, links, media, CSV import, best time.
 */
describe('publishing API', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let clock: TestClock;
  let wid: string;
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let big: string;
  let small: string;
  let editor: Client;
  let contributor: Client;

  before(async () => {
    clock = new TestClock(new Date());
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, clock });
    fake = await new FakeMastodon().start();
    const w = await workspaceWithEveryRole(t);
    wid = w.ws.id;
    people = w.people;
    editor = people.editor.client;
    contributor = people.contributor.client;
    big = (await makeMastodonChannel(t.deps, wid, fake, { username: 'big' })).channel.id;
    small = (await makeMastodonChannel(t.deps, wid, fake, { username: 'small' })).channel.id;
    await t.deps.db.update(channels).set({ limits: mastodonLimits(100) }).where(eq(channels.id, small));
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  const api = (p: string) => `/api/workspaces/${wid}${p}`;
  const variant = (channelId: string, text: string) => ({ channelId, text });

  test('live validation counts per network and says what is over and by how much, per variant', async () => {
    const text = `${'a'.repeat(90)} https://example.com/${'x'.repeat(80)}`;
    const res = await contributor.post(api('/compose/validate'), { variants: [variant(big, text), variant(small, text)] });
    assert.equal(res.statusCode, 200, res.body);
    const [a, b] = res.data.variants;
    assert.equal(a.issues.length, 0);
    assert.equal(a.counts[0].length, 90 + 1 + 23, 'a link counts 23 on Mastodon');
    assert.equal(b.issues[0].code, 'text_too_long');
    assert.equal(b.issues[0].over, 14);
    assert.equal(b.preview.parts[0].segments[1].type, 'link');
  });

  test('the charter warns or blocks, live and when scheduling', async () => {
    const put = await editor.request('PUT', api('/charter'), { toneNotes: 'Chaleureux, jamais familier.', rules: { bannedPhrases: { level: 'block', phrases: ['gratuit'] }, maxHashtags: { level: 'warn', max: 1 } } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await contributor.request('PUT', api('/charter'), { toneNotes: '', rules: {} })).statusCode, 403);
    const check = await contributor.post(api('/compose/validate'), { variants: [variant(big, 'Tout est gratuit #a #b')] });
    assert.equal(check.data.toneNotes, 'Chaleureux, jamais familier.');
    assert.deepEqual(check.data.variants[0].charter.map((i: { rule: string; level: string }) => `${i.rule}:${i.level}`), ['bannedPhrases:block', 'maxHashtags:warn']);
    assert.equal(check.data.variants[0].blocked, true);
    const created = await editor.post(api('/posts'), { variants: [variant(big, 'Tout est gratuit')] });
    const sched = await editor.post(api(`/posts/${created.data.post.id}/schedule`), { mode: 'now' });
    assert.equal(sched.statusCode, 422);
    assert.equal(sched.data.error.code, 'charter_blocked');
    const draft = await contributor.post(api('/posts'), { variants: [variant(big, 'Tout est gratuit')] });
    const submit = await contributor.post(api(`/posts/${draft.data.post.id}/submit`));
    assert.equal(submit.statusCode, 422, 'approvers are never asked to approve a blocked post');
    assert.equal(submit.data.error.code, 'charter_blocked');
    assert.equal((await contributor.get(api(`/posts/${draft.data.post.id}`))).data.post.status, 'draft');
    await editor.request('PUT', api('/charter'), { toneNotes: '', rules: {} });
  });

  let postId: string;
  test('a contributor composes for two channels and cannot schedule; they submit', async () => {
    const plannedAt = new Date(clock.now.getTime() + 3_600_000).toISOString();
    const res = await contributor.post(api('/posts'), { title: 'Lancement', tags: ['launch'], plannedAt, variants: [variant(big, 'Lancement aujourd’hui ! Un long texte pour Mastodon.'), variant(small, 'Lancement aujourd’hui !')] });
    assert.equal(res.statusCode, 201, res.body);
    postId = res.data.post.id;
    assert.equal(res.data.post.status, 'draft');
    assert.deepEqual(res.data.post.variants.map((v: { dueAt: string }) => v.dueAt), [plannedAt, plannedAt]);
    assert.equal((await contributor.post(api(`/posts/${postId}/schedule`), { mode: 'planned' })).statusCode, 403);
    const submitted = await contributor.post(api(`/posts/${postId}/submit`));
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(submitted.data.post.status, 'in_review');
    const inbox = await editor.get(api('/approvals/inbox'));
    assert.ok(inbox.data.posts.some((p: { id: string }) => p.id === postId));
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.userId, people.editor.user.id));
    assert.ok(notes.some((n) => n.kind === 'post.review_requested'));
  });

  test('a contributor cannot approve; a rejection needs a comment and tells the author', async () => {
    assert.equal((await contributor.post(api(`/posts/${postId}/approve`), {})).statusCode, 403);
    assert.equal((await editor.post(api(`/posts/${postId}/reject`), { comment: '' })).statusCode, 400);
    const rejected = await editor.post(api(`/posts/${postId}/reject`), { comment: 'Ajoute le lien.' });
    assert.equal(rejected.data.post.status, 'draft');
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.userId, people.contributor.user.id));
    assert.ok(notes.some((n) => n.kind === 'post.rejected' && n.body.includes('Ajoute le lien.')));
    await contributor.post(api(`/posts/${postId}/submit`));
  });

  test('the editor approves: the variants are scheduled for their planned time; editing sends it back for approval', async () => {
    const approved = await editor.post(api(`/posts/${postId}/approve`), { comment: 'Parfait' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.ok(approved.data.post.variants.every((v: { state: string }) => v.state === 'scheduled'));
    const vs = approved.data.post.variants;
    const edited = await contributor.patch(api(`/posts/${postId}`), { variants: [{ id: vs[0].id, channelId: big, text: 'Lancement aujourd’hui ! (corrigé)' }, { id: vs[1].id, channelId: small, text: vs[1].text }] });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.data.post.status, 'in_review');
    assert.ok(edited.data.post.variants.every((v: { state: string }) => v.state === 'in_review'));
    const again = await editor.post(api(`/posts/${postId}/approve`), {});
    assert.ok(again.data.post.variants.every((v: { state: string }) => v.state === 'scheduled'));
    const history = await contributor.get(api(`/posts/${postId}/approvals`));
    assert.deepEqual(history.data.history.map((h: { decision: string }) => h.decision), ['submitted', 'rejected', 'submitted', 'approved', 'edited', 'approved']);
  });

  test('shortening the links of an approved post is an edit: it goes back for approval', async () => {
    const created = await contributor.post(api('/posts'), { variants: [variant(big, 'Voir https://example.com/offre')] });
    const id = created.data.post.id;
    await contributor.post(api(`/posts/${id}/submit`));
    const approved = await editor.post(api(`/posts/${id}/approve`), {});
    assert.equal(approved.data.post.variants[0].state, 'approved');
    const short = await contributor.post(api(`/variants/${approved.data.post.variants[0].id}/shorten-links`), { utm: { source: 'mastodon' } });
    assert.equal(short.statusCode, 200, short.body);
    assert.match(short.data.text, /\/l\//);
    const after = await contributor.get(api(`/posts/${id}`));
    assert.equal(after.data.post.status, 'in_review');
    assert.equal(after.data.post.variants[0].state, 'in_review');
  });

  test('the calendar shows it in the workspace time zone with plan suggestions; a drag reschedules it', async () => {
    const plan = await editor.request('PUT', api('/plan'), { slots: [{ channelId: big, weekdays: [1, 2, 3, 4, 5, 6, 7], time: '09:00', label: 'Matin' }] });
    assert.equal(plan.statusCode, 200, plan.body);
    const from = new Date(clock.now.getTime() - 86_400_000).toISOString();
    const to = new Date(clock.now.getTime() + 3 * 86_400_000).toISOString();
    const cal = await contributor.get(api(`/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&channelId=${big}`));
    assert.equal(cal.statusCode, 200, cal.body);
    assert.equal(cal.data.timezone, 'Europe/Paris');
    const item = cal.data.items.find((i: { postId: string }) => i.postId === postId);
    assert.ok(item && item.channelId === big && item.state === 'scheduled');
    assert.match(item.local.time, /^\d\d:\d\d$/);
    assert.ok(cal.data.suggestions.length >= 2 && cal.data.suggestions.every((s: { local: { time: string } }) => s.local.time === '09:00'));
    const target = new Date(clock.now.getTime() + 2 * 3_600_000).toISOString();
    assert.equal((await contributor.patch(api(`/variants/${item.variantId}/schedule`), { at: target })).statusCode, 403, 'moving a scheduled post is publishing');
    const moved = await editor.patch(api(`/variants/${item.variantId}/schedule`), { at: target, wholePost: true });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.ok(moved.data.post.variants.every((v: { dueAt: string; scheduleVersion: number }) => v.dueAt === target && v.scheduleVersion === 3));
  });

  test('when due, the scheduler publishes it; the post shows each remote link', async () => {
    clock.advance(2 * 3_600_000 + 1000);
    const s = new Scheduler(t.deps);
    await s.register();
    assert.equal(await s.drain(), 2);
    const post = await contributor.get(api(`/posts/${postId}`));
    assert.equal(post.data.post.status, 'published');
    for (const v of post.data.post.variants) assert.ok(v.remoteUrl.startsWith(fake.url) && v.publishedAt);
  });

  test('an editor schedules in the next plan slot; a time in the past is refused', async () => {
    const created = await editor.post(api('/posts'), { variants: [variant(big, 'Créneau suivant')] });
    const past = await editor.post(api(`/posts/${created.data.post.id}/schedule`), { mode: 'at', at: new Date(clock.now.getTime() - 3_600_000).toISOString() });
    assert.equal(past.statusCode, 400);
    const res = await editor.post(api(`/posts/${created.data.post.id}/schedule`), { mode: 'next_slot' });
    assert.equal(res.statusCode, 200, res.body);
    const due = new Date(res.data.post.variants[0].dueAt);
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(due), '09:00');
    assert.ok(due > clock.now);
  });

  test('short links add UTM parameters, redirect through /l/<code> and count clicks per variant', async () => {
    const [v] = await t.deps.db.select().from(postVariants).where(eq(postVariants.postId, postId));
    const res = await editor.post(api('/links'), { url: 'https://example.com/offre', utm: { source: 'mastodon', campaign: 'launch' }, variantId: v!.id });
    assert.equal(res.statusCode, 201, res.body);
    assert.match(res.data.link.shortUrl, /^http:\/\/passerelle\.test\/l\/[A-Za-z0-9]{8}$/);
    const code = res.data.link.code;
    const hit = await t.app.inject({ method: 'GET', url: `/l/${code}`, headers: { referer: 'https://mastodon.social/@x', 'user-agent': 'Mozilla/5.0' } });
    assert.equal(hit.statusCode, 302);
    assert.equal(hit.headers.location, 'https://example.com/offre?utm_source=mastodon&utm_campaign=launch');
    await t.app.inject({ method: 'GET', url: `/l/${code}`, headers: { 'user-agent': 'Mastodon/4.3 (http.rb; +https://x)' } });
    const clicks = await t.deps.db.select().from(linkClicks).where(eq(linkClicks.variantId, v!.id));
    assert.equal(clicks.length, 2);
    assert.ok(clicks.every((c) => !JSON.stringify(c).includes('127.0.0.1')), 'no IP stored');
    const stats = await people.analyst.client.get(api(`/links/${res.data.link.id}/stats`));
    assert.equal(stats.data.clicks, 1, 'the link-preview fetcher is not a click');
    assert.deepEqual(stats.data.byReferrer, [{ host: 'mastodon.social', clicks: 1 }]);
    assert.equal((await t.app.inject({ method: 'GET', url: '/l/nope1234' })).statusCode, 404);
  });

  test('media: type read from the bytes, alt text kept, reusable; a disguised file is refused', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const up = await contributor.post(api('/media'), { dataBase64: png.toString('base64'), filename: 'logo.png', altText: 'Le logo' });
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.data.media.mimeType, 'image/png');
    const raw = await t.app.inject({ method: 'POST', url: api('/media?filename=raw.png&altText=Brut'), payload: png, headers: { 'content-type': 'image/png', cookie: contributor.cookie! } });
    assert.equal(raw.statusCode, 201, raw.body);
    const fake = await contributor.post(api('/media'), { dataBase64: Buffer.from('<svg onload=alert(1)>').toString('base64'), filename: 'x.png' });
    assert.equal(fake.statusCode, 400);
    const list = await people.client.client.get(api('/media'));
    assert.equal(list.data.total, 2);
    const content = await contributor.get(api(`/media/${up.data.media.id}/content`));
    assert.equal(content.headers['content-type'], 'image/png');
    const post = await contributor.post(api('/posts'), { variants: [{ channelId: big, text: 'Avec image', media: [{ assetId: up.data.media.id }] }] });
    assert.equal(post.statusCode, 201, post.body);
    assert.equal((await contributor.delete(api(`/media/${up.data.media.id}`))).statusCode, 409, 'still used by a draft');
  });

  test('CSV import: a dry run reports per-row errors; nothing is imported while a row is invalid unless asked', async () => {
    const when = new Date(clock.now.getTime() + 86_400_000).toISOString();
    const csv = `time,channels,text,media_url,link\n${when},big@${new URL(fake.url).host},Import un,,https://example.com\nhier,inconnu,Import deux,,\n`;
    const dry = await editor.post(api('/imports/csv'), { csv, dryRun: true });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.data.valid, 1);
    assert.deepEqual(dry.data.rows[1].errors.map((e: { field: string }) => e.field), ['time', 'channels']);
    const refused = await editor.post(api('/imports/csv'), { csv, dryRun: false });
    assert.equal(refused.data.imported, 0);
    const partial = await editor.post(api('/imports/csv'), { csv, dryRun: false, importValidRows: true, then: 'schedule' });
    assert.equal(partial.statusCode, 200, partial.body);
    assert.equal(partial.data.imported, 1, partial.body);
    const imported = await editor.get(api(`/posts/${partial.data.rows[0].postId}`));
    assert.equal(imported.data.post.variants[0].state, 'scheduled');
    assert.equal(imported.data.post.variants[0].text, 'Import un\nhttps://example.com');
  });

  test('CSV import is all or nothing: a failure on the last row leaves no post and no media behind', async () => {
    const when = new Date(clock.now.getTime() + 86_400_000).toISOString();
    const host = new URL(fake.url).host;
    const before = (await t.deps.db.execute(sql`SELECT count(*)::int AS n FROM posts`)).rows[0] as { n: number };
    // A database failure the validation cannot foresee, on the third post only.
    await t.deps.db.execute(sql.raw(`CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.title = 'Troisième' THEN RAISE EXCEPTION 'disk full (simulated)'; END IF; RETURN NEW; END $$`));
    await t.deps.db.execute(sql.raw('CREATE TRIGGER fail_import BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION fail_import()'));
    try {
      const csv = `time,channels,text\n${when},big@${host},Premier\n${when},big@${host},Deuxième\n${when},big@${host},Troisième\n`;
      const res = await editor.post(api('/imports/csv'), { csv, dryRun: false });
      assert.equal(res.statusCode, 500, res.body);
      const after = (await t.deps.db.execute(sql`SELECT count(*)::int AS n FROM posts`)).rows[0] as { n: number };
      assert.equal(after.n, before.n, 'the first two posts were rolled back with the third');
      assert.equal((await t.deps.db.execute(sql`SELECT 1 FROM posts WHERE title IN ('Premier', 'Deuxième')`)).rows.length, 0);
    } finally {
      await t.deps.db.execute(sql.raw('DROP TRIGGER fail_import ON posts; DROP FUNCTION fail_import()'));
    }
  });

  test('best time appears once enough published posts have metrics', async () => {
    const none = await editor.get(api(`/best-times?channelId=${big}`));
    assert.equal(none.data.channels[0].best, null);
    for (let i = 0; i < 5; i++) {
      const p = await editor.post(api('/posts'), { variants: [variant(big, `Mesure ${i}`)] });
      await editor.post(api(`/posts/${p.data.post.id}/schedule`), { mode: 'now' });
    }
    const s = new Scheduler(t.deps);
    await s.register();
    await s.drain();
    assert.ok(await collectMetrics(t.deps) > 0);
    const points = await t.deps.db.select().from(metricPoints).where(eq(metricPoints.metric, 'likes'));
    assert.ok(points.every((p) => p.networkField === 'favourites_count'));
    const best = await editor.get(api(`/best-times?channelId=${big}`));
    assert.ok(best.data.channels[0].samples >= 5);
    assert.ok(Array.isArray(best.data.channels[0].best) && best.data.channels[0].best[0].posts >= 1);
  });

  test('duplicating gives a new draft with the same content', async () => {
    const dup = await contributor.post(api(`/posts/${postId}/duplicate`));
    assert.equal(dup.statusCode, 201);
    assert.equal(dup.data.post.status, 'draft');
    assert.equal(dup.data.post.variants.length, 2);
    assert.ok(dup.data.post.variants.every((v: { dueAt: null; remoteId: null }) => v.dueAt === null && v.remoteId === null));
  });
});
