import { mediaAssets, mediaBlobs, postVariants, posts, shortLinks } from '../../../src/db/schema/index.ts';
import { makeMastodonChannel } from '../factories.publishing.ts';
import { APPROVERS, EVERYONE, MANAGERS, PUBLISHERS, WRITERS, type RoleEnv, type RoleTable } from './table.ts';

/**
 * Who may call each publishing route (posts, variants, campaigns, approvals, charter, calendar and plan,
 * links, media, CSV import). Contributors write drafts (their own posts only); editors and up schedule;
 * clients approve; everyone reads.
 */
export function publishingRoleTable(env: RoleEnv): RoleTable {
  const { t, ws } = env;
  const w = `/api/workspaces/${ws.id}`;
  const day = 86_400_000;
  let channel: Promise<string> | null = null;
  const channelId = () => (channel ??= makeMastodonChannel(t.deps, ws.id, env.fake).then((c) => c.channel.id));

  /** A post by `authorId` with one variant in `state` (planned tomorrow). */
  async function post(authorId: string, state = 'draft') {
    const inReview = state === 'in_review';
    const [p] = await t.deps.db.insert(posts).values({ workspaceId: ws.id, authorId, title: 'Fixture', approvalStep: inReview ? 0 : null, approvalRound: inReview ? 1 : 0 }).returning();
    const [v] = await t.deps.db.insert(postVariants).values({
      workspaceId: ws.id, postId: p!.id, channelId: await channelId(), text: 'Voir https://example.com', state,
      dueAt: new Date(Date.now() + day), errorCode: state === 'failed' ? 'transient' : state === 'unknown' ? 'needs_decision' : null,
    }).returning();
    return { post: p!.id, variant: v!.id };
  }
  async function media() {
    const [m] = await t.deps.db.insert(mediaAssets).values({ workspaceId: ws.id, kind: 'image', mimeType: 'image/png', sizeBytes: 9, sha256: 'x', filename: 'a.png' }).returning();
    await t.deps.db.insert(mediaBlobs).values({ assetId: m!.id, bytes: PNG });
    return m!.id;
  }
  async function link() {
    const [l] = await t.deps.db.insert(shortLinks).values({ workspaceId: ws.id, code: `c${Math.random().toString(36).slice(2, 12)}`, destination: 'https://example.com', originalUrl: 'https://example.com' }).returning();
    return l!.id;
  }
  /** Posts waiting for a decision are someone else's: the contributor's. */
  const reviewed = () => post(env.people.contributor.user.id, 'in_review');
  const tomorrow = () => new Date(Date.now() + day).toISOString();
  const variants = async () => [{ channelId: await channelId(), text: 'Bonjour' }];

  return {
    'GET /api/workspaces/:wid/posts': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/posts` }) },
    'POST /api/workspaces/:wid/posts': { allowed: WRITERS, ok: 201, sample: async () => ({ url: `${w}/posts`, body: { variants: await variants() } }) },
    'GET /api/workspaces/:wid/posts/:id': { allowed: EVERYONE, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}` }) },
    'PATCH /api/workspaces/:wid/posts/:id': { allowed: WRITERS, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}`, body: { title: 'Nouveau titre' } }) },
    'DELETE /api/workspaces/:wid/posts/:id': { allowed: WRITERS, ok: 204, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}` }) },
    'POST /api/workspaces/:wid/posts/:id/duplicate': { allowed: WRITERS, ok: 201, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}/duplicate` }) },
    'POST /api/workspaces/:wid/compose/validate': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/compose/validate`, body: { variants: await variants() } }) },
    'POST /api/workspaces/:wid/posts/:id/validate': { allowed: EVERYONE, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}/validate` }) },
    'POST /api/workspaces/:wid/posts/:id/schedule': { allowed: PUBLISHERS, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}/schedule`, body: { mode: 'at', at: tomorrow() } }) },
    'POST /api/workspaces/:wid/posts/:id/unschedule': { allowed: PUBLISHERS, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId, 'scheduled')).post}/unschedule` }) },
    'GET /api/workspaces/:wid/variants/:id': { allowed: EVERYONE, ok: 200, sample: async (who) => ({ url: `${w}/variants/${(await post(who.userId)).variant}` }) },
    'PATCH /api/workspaces/:wid/variants/:id/schedule': { allowed: WRITERS, ok: 200, sample: async (who) => ({ url: `${w}/variants/${(await post(who.userId)).variant}/schedule`, body: { at: tomorrow() } }) },
    'POST /api/workspaces/:wid/variants/:id/retry': { allowed: PUBLISHERS, ok: 200, sample: async (who) => ({ url: `${w}/variants/${(await post(who.userId, 'failed')).variant}/retry` }) },
    'POST /api/workspaces/:wid/variants/:id/resolve': { allowed: PUBLISHERS, ok: 200, sample: async (who) => ({ url: `${w}/variants/${(await post(who.userId, 'unknown')).variant}/resolve`, body: { outcome: 'published' } }) },
    'GET /api/workspaces/:wid/campaigns': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/campaigns` }) },
    'POST /api/workspaces/:wid/campaigns': { allowed: WRITERS, ok: 201, sample: async () => ({ url: `${w}/campaigns`, body: { name: `Campagne ${Math.random()}` } }) },
    'POST /api/workspaces/:wid/posts/:id/submit': { allowed: WRITERS, ok: 200, sample: async (who) => ({ url: `${w}/posts/${(await post(who.userId)).post}/submit` }) },
    'POST /api/workspaces/:wid/posts/:id/approve': { allowed: APPROVERS, ok: 200, sample: async () => ({ url: `${w}/posts/${(await reviewed()).post}/approve`, body: {} }) },
    'POST /api/workspaces/:wid/posts/:id/reject': { allowed: APPROVERS, ok: 200, sample: async () => ({ url: `${w}/posts/${(await reviewed()).post}/reject`, body: { comment: 'Non' } }) },
    'GET /api/workspaces/:wid/posts/:id/approvals': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/posts/${(await reviewed()).post}/approvals` }) },
    'GET /api/workspaces/:wid/approvals/inbox': { allowed: APPROVERS, ok: 200, sample: async () => ({ url: `${w}/approvals/inbox` }) },
    'GET /api/workspaces/:wid/approval-flow': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/approval-flow` }) },
    'PUT /api/workspaces/:wid/approval-flow': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/approval-flow`, body: { steps: [] } }) },
    'GET /api/workspaces/:wid/charter': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/charter` }) },
    'PUT /api/workspaces/:wid/charter': { allowed: PUBLISHERS, ok: 200, sample: async () => ({ url: `${w}/charter`, body: { toneNotes: '', rules: {} } }) },
    'GET /api/workspaces/:wid/calendar': {
      allowed: EVERYONE, ok: 200,
      sample: async () => ({ url: `${w}/calendar?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 7 * day).toISOString())}` }),
    },
    'GET /api/workspaces/:wid/plan': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/plan` }) },
    'PUT /api/workspaces/:wid/plan': { allowed: PUBLISHERS, ok: 200, sample: async () => ({ url: `${w}/plan`, body: { slots: [{ channelId: await channelId(), weekdays: [1, 3], time: '09:30' }] } }) },
    'GET /api/workspaces/:wid/best-times': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/best-times` }) },
    'POST /api/workspaces/:wid/links': { allowed: WRITERS, ok: 201, sample: async () => ({ url: `${w}/links`, body: { url: 'https://example.com' } }) },
    'GET /api/workspaces/:wid/links': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/links` }) },
    'GET /api/workspaces/:wid/links/:id/stats': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/links/${await link()}/stats` }) },
    'POST /api/workspaces/:wid/variants/:id/shorten-links': { allowed: WRITERS, ok: 200, sample: async (who) => ({ url: `${w}/variants/${(await post(who.userId)).variant}/shorten-links`, body: { utm: { source: 'test' } } }) },
    'POST /api/workspaces/:wid/media': { allowed: WRITERS, ok: 201, sample: async () => ({ url: `${w}/media`, body: { dataBase64: PNG.toString('base64'), filename: 'a.png' } }) },
    'GET /api/workspaces/:wid/media': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/media` }) },
    'GET /api/workspaces/:wid/media/:id/content': { allowed: EVERYONE, ok: 200, sample: async () => ({ url: `${w}/media/${await media()}/content` }) },
    'PATCH /api/workspaces/:wid/media/:id': { allowed: WRITERS, ok: 200, sample: async () => ({ url: `${w}/media/${await media()}`, body: { altText: 'Texte' } }) },
    'DELETE /api/workspaces/:wid/media/:id': { allowed: WRITERS, ok: 204, sample: async () => ({ url: `${w}/media/${await media()}` }) },
    'POST /api/workspaces/:wid/imports/csv': { allowed: WRITERS, ok: 200, sample: async () => ({ url: `${w}/imports/csv`, body: { csv: 'time,channels,text\n2030-01-01 09:00,nobody,Bonjour\n', dryRun: true } }) },
  };
}

/** The first bytes of a PNG: enough for the media library to recognise an image. */
const PNG = Buffer.from('89504e470d0a1a0a00', 'hex');
