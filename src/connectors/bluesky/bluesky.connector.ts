/**
 * Bluesky connector (AT Protocol), every call through the account's PDS with `ctx.fetch`. The PDS
 * forwards `app.bsky.*` reads to its AppView.
 *
 * Exactly-once: each post's record key is derived from the idempotency key and the scheduled time
 * (`tidFor`), and it is written with `putRecord` + `swapRecord: null` ("create only if absent"), so a
 * retry can never make a second post and `findPublished` is a direct lookup.
 */
import type {
  Capabilities,
  Connector,
  ConnectorContext,
  Interaction,
  InteractionKind,
  InteractionPage,
  Limits,
  MediaInput,
  MetricSnapshot,
  Published,
  PublishedPart,
  RemoteAuthor,
  Variant,
  VariantPart,
} from '../connector.ts';
import { RateLimited, Rejected, rejectedByValidation, Transient } from '../errors.ts';
import { buildFacets } from '../text/facets.ts';
import { validateVariant } from '../text/validate.ts';
import { streamJetstream } from './jetstream.ts';
import type { ChatCursor, SentDm } from './bluesky.chat.ts';
import { ChatUnavailable, chatAccessFromToken, DM_ACCESS_MESSAGE, DM_BACKFILL_DAYS, DM_NOTICES, dmLimits, dmRemoteId, fetchDms, findDm, isDmRemoteId, parseDmRemoteId, sendDm } from './bluesky.chat.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc, parseAtUri, tidFor, xrpcError } from './bluesky.xrpc.ts';

export const blueskyCapabilities: Capabilities = {
  auth: 'app-password',
  credentials: { expire: true, refreshable: true },
  publish: { text: true, images: true, video: false, thread: true, reply: true, contentWarning: false },
  deleteOwn: true,
  interactions: ['reply', 'mention', 'quote', 'dm', 'like', 'repost', 'follow'],
  moderation: ['hide', 'unhide', 'block', 'unblock'],
  metrics: ['likes', 'reposts', 'replies', 'quotes'],
  search: true,
  reconciliation: 'record-key',
  stream: 'network',
};

/** Bluesky's limits are the same for every account (app.bsky.feed.post lexicon, embed.images). */
export const blueskyLimits: Limits = {
  text: { maxLength: 300, counting: 'graphemes', maxBytes: 3000, urlLength: null },
  media: { maxCount: 4, maxImageBytes: 1_000_000, imageMimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxAltTextLength: 2000 },
  maxThreadParts: 25,
  maxLanguages: 3,
};

const POST = 'app.bsky.feed.post';
const THREADGATE = 'app.bsky.feed.threadgate';
const MAX_HIDDEN_REPLIES = 300;

export interface BlueskyOptions {
  /** Web app used for post URLs (default https://bsky.app). */
  appUrl?: string;
}

interface StrongRef {
  uri: string;
  cid: string;
}

interface ProfileView {
  did: string;
  handle: string;
  displayName?: string;
  avatar?: string;
  followersCount?: number;
  viewer?: { blocking?: string };
}

interface PostRecord {
  text?: string;
  createdAt?: string;
  reply?: { root: StrongRef; parent: StrongRef };
  embed?: { $type?: string; record?: StrongRef | { record?: StrongRef } };
}

interface PostView {
  uri: string;
  cid: string;
  author: ProfileView;
  record: PostRecord;
  indexedAt: string;
  likeCount?: number;
  repostCount?: number;
  replyCount?: number;
  quoteCount?: number;
}

interface Notification {
  uri: string;
  cid: string;
  author: ProfileView;
  reason: string;
  reasonSubject?: string;
  record: PostRecord;
  indexedAt: string;
}

interface ThreadView {
  $type?: string;
  post?: PostView;
  replies?: ThreadView[];
}

const REASONS: Record<string, InteractionKind> = {
  like: 'like',
  repost: 'repost',
  follow: 'follow',
  mention: 'mention',
  reply: 'reply',
  quote: 'quote',
};

function parts(variant: Variant): VariantPart[] {
  return [{ text: variant.text, ...(variant.media ? { media: variant.media } : {}) }, ...(variant.thread ?? [])];
}

function published(list: PublishedPart[]): Published {
  const first = list[0];
  if (first === undefined) throw new Error('published() needs at least one part');
  return { remoteId: first.remoteId, url: first.url, publishedAt: first.publishedAt, parts: list };
}

function author(p: ProfileView): RemoteAuthor {
  const a: RemoteAuthor = { remoteId: p.did, handle: p.handle, displayName: p.displayName || null, avatarUrl: p.avatar ?? null };
  if (p.followersCount !== undefined) a.followers = p.followersCount;
  return a;
}

/** The notifications part of the cursor: the newest notification seen (indexedAt) and the ids seen at that instant. */
interface NotificationCursor {
  t: string;
  ids: string[];
}

/**
 * The one opaque cursor of `fetchInteractions`: base64url of `{v: 2, n, c}`, `n` the notifications
 * part (null: not started) and `c` the DMs part (null: not started, e.g. no DM access yet). A cursor
 * stored before DMs existed is the bare notifications part `{t, ids}` and still reads as `{n, c: null}`.
 */
interface CombinedCursor {
  n: NotificationCursor | null;
  c: ChatCursor | null;
}

const isNotificationCursor = (v: unknown): v is NotificationCursor =>
  typeof v === 'object' && v !== null && typeof (v as NotificationCursor).t === 'string' && Array.isArray((v as NotificationCursor).ids);

const isChatCursor = (v: unknown): v is ChatCursor => {
  if (typeof v !== 'object' || v === null || typeof (v as ChatCursor).rev !== 'string') return false;
  const fill = (v as ChatCursor).fill;
  return fill === undefined || (typeof fill.since === 'string' && Array.isArray(fill.convos));
};

/** Reads a cursor (v2 or a legacy notifications cursor); an unreadable one counts as none. */
export function decodeBlueskyCursor(cursor: string | null): CombinedCursor {
  if (cursor === null) return { n: null, c: null };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    if (parsed['v'] === 2) return { n: isNotificationCursor(parsed['n']) ? parsed['n'] : null, c: isChatCursor(parsed['c']) ? parsed['c'] : null };
    return { n: isNotificationCursor(parsed) ? parsed : null, c: null };
  } catch {
    return { n: null, c: null };
  }
}

/** Writes a v2 cursor. */
export function encodeBlueskyCursor(c: CombinedCursor): string {
  return Buffer.from(JSON.stringify({ v: 2, n: c.n, c: c.c })).toString('base64url');
}

/** Creates the Bluesky connector. */
export function createBlueskyConnector(options: BlueskyOptions = {}): Connector<BlueskyCredentials> {
  const appUrl = options.appUrl ?? 'https://bsky.app';
  const postUrl = (uri: string, handle?: string) => {
    const p = parseAtUri(uri);
    return p === null ? uri : `${appUrl}/profile/${handle ?? p.did}/post/${p.rkey}`;
  };

  async function getOwnRecord(x: BlueskyXrpc, collection: string, rkey: string): Promise<{ uri: string; cid: string; value: Record<string, unknown> } | null> {
    const res = await x.call('com.atproto.repo.getRecord', { method: 'GET', params: { repo: x.did, collection, rkey }, what: 'read a record', allow: [400, 404] });
    if (res.status !== 200) {
      const { error } = xrpcError(res);
      if (res.status === 404 || error === 'RecordNotFound' || error === 'NotFound') return null;
      throw new Rejected(`Bluesky refused to read a record: ${xrpcError(res).message ?? error}`, 'invalid_input', { network: 'bluesky', status: res.status });
    }
    return res.json();
  }

  async function getPosts(x: BlueskyXrpc, uris: string[]): Promise<PostView[]> {
    const out: PostView[] = [];
    for (let i = 0; i < uris.length; i += 25) {
      const res = await x.call('app.bsky.feed.getPosts', { method: 'GET', params: { uris: uris.slice(i, i + 25) }, what: 'read posts' });
      out.push(...res.json<{ posts: PostView[] }>().posts);
    }
    return out;
  }

  async function uploadImage(x: BlueskyXrpc, media: MediaInput): Promise<unknown> {
    // An upload that fails leaves at worst an unreferenced blob: not a publish, so not `write`.
    const res = await x.call('com.atproto.repo.uploadBlob', { method: 'POST', bytes: { data: media.bytes, mimeType: media.mimeType }, what: 'upload an image' });
    return res.json<{ blob: unknown }>().blob;
  }

  async function resolveHandle(x: BlueskyXrpc, handle: string): Promise<string | null> {
    const res = await x.call('com.atproto.identity.resolveHandle', { method: 'GET', params: { handle }, what: 'resolve a handle', allow: [400, 404] });
    return res.status === 200 ? res.json<{ did: string }>().did : null;
  }

  function toPart(index: number, ref: StrongRef, createdAt: string, handle: string): PublishedPart {
    return { index, remoteId: ref.uri, url: postUrl(ref.uri, handle), publishedAt: new Date(createdAt) };
  }

  function postInteraction(view: PostView, kind: InteractionKind): Interaction {
    const reply = view.record.reply;
    const embedded = view.record.embed?.record;
    const quoted = embedded && 'uri' in embedded ? embedded.uri : (embedded as { record?: StrongRef } | undefined)?.record?.uri;
    return {
      remoteId: view.uri,
      kind,
      author: author(view.author),
      text: view.record.text ?? '',
      createdAt: new Date(view.record.createdAt ?? view.indexedAt),
      inReplyTo: kind === 'quote' ? (quoted ?? null) : (reply?.parent.uri ?? null),
      root: reply?.root.uri ?? null,
      url: postUrl(view.uri, view.author.handle),
      raw: { cid: view.cid, indexedAt: view.indexedAt },
    };
  }

  function notificationInteraction(n: Notification): Interaction | null {
    const kind = REASONS[n.reason];
    if (kind === undefined) return null;
    if (kind === 'reply' || kind === 'mention' || kind === 'quote') {
      const interaction = postInteraction({ uri: n.uri, cid: n.cid, author: n.author, record: n.record, indexedAt: n.indexedAt }, kind);
      interaction.raw = { ...interaction.raw, reason: n.reason };
      return interaction;
    }
    return {
      remoteId: n.uri,
      kind,
      author: author(n.author),
      text: '',
      createdAt: new Date(n.record.createdAt ?? n.indexedAt),
      inReplyTo: n.reasonSubject ?? null,
      root: null,
      url: n.reasonSubject ? postUrl(n.reasonSubject) : `${appUrl}/profile/${n.author.handle}`,
      raw: { reason: n.reason, indexedAt: n.indexedAt },
    };
  }

  async function setHidden(x: BlueskyXrpc, target: { remoteId?: string; root?: string }, hide: boolean): Promise<void> {
    if (!target.remoteId) throw new Rejected('Say which reply to hide', 'invalid_input', { network: 'bluesky' });
    let rootUri = target.root;
    if (rootUri === undefined) {
      const [view] = await getPosts(x, [target.remoteId]);
      if (view === undefined) throw new Rejected('This reply no longer exists on Bluesky', 'not_found', { network: 'bluesky' });
      rootUri = view.record.reply?.root.uri ?? view.uri;
    }
    const root = parseAtUri(rootUri);
    if (root === null || root.did !== x.did) {
      throw new Rejected('On Bluesky only the author of a thread\'s first post can hide replies in it', 'forbidden', { network: 'bluesky' });
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await getOwnRecord(x, THREADGATE, root.rkey);
      const value = existing?.value ?? {};
      const hidden = new Set(Array.isArray(value['hiddenReplies']) ? (value['hiddenReplies'] as string[]) : []);
      if (hide) hidden.add(target.remoteId);
      else hidden.delete(target.remoteId);
      if (hidden.size > MAX_HIDDEN_REPLIES) {
        throw new Rejected(`Bluesky hides at most ${MAX_HIDDEN_REPLIES} replies per thread`, 'invalid_input', { network: 'bluesky' });
      }
      // Keep the thread's reply rules (`allow`) as they are; absent means everyone may reply.
      const record: Record<string, unknown> = { ...value, $type: THREADGATE, post: rootUri, createdAt: value['createdAt'] ?? x.ctx.now().toISOString(), hiddenReplies: [...hidden] };
      const res = await x.call('com.atproto.repo.putRecord', {
        method: 'POST',
        json: { repo: x.did, collection: THREADGATE, rkey: root.rkey, record, swapRecord: existing?.cid ?? null },
        what: hide ? 'hide the reply' : 'show the reply again',
        allow: [400],
      });
      if (res.status === 200) return;
      if (xrpcError(res).error !== 'InvalidSwap') throw new Rejected(`Bluesky refused to update the thread's settings: ${xrpcError(res).message}`, 'invalid_input', { network: 'bluesky', status: 400 });
      // Someone changed the threadgate meanwhile: read it again and retry once.
    }
    throw new Rejected('The thread\'s settings kept changing; try again', 'invalid_input', { network: 'bluesky' });
  }

  const dmPublished = (sent: SentDm): Published =>
    published([{ index: 0, remoteId: dmRemoteId(sent.convoId, sent.messageId), url: `${appUrl}/messages/${encodeURIComponent(sent.convoId)}`, publishedAt: sent.sentAt }]);

  /** A reply to a DM: `sendMessage` in its conversation, validated against the DM limits (1,000 graphemes, text only). */
  async function publishDm(ctx: ConnectorContext<BlueskyCredentials>, variant: Variant, convoId: string): Promise<Published> {
    const issues = validateVariant(variant, dmLimits, { thread: false, reply: true, contentWarning: false });
    if (issues.length > 0) throw rejectedByValidation(issues, 'bluesky');
    const x = new BlueskyXrpc(ctx);
    const facets = await buildFacets(variant.text, (h) => resolveHandle(x, h));
    const sent = await sendDm(x, convoId, variant.text, facets);
    ctx.log.info({ network: 'bluesky', convoId, messageId: sent.messageId }, 'direct message sent');
    return dmPublished(sent);
  }

  /** Notifications newer than `mark` (null: the newest page), oldest first, at most `limit`. */
  async function fetchNotifications(x: BlueskyXrpc, mark: NotificationCursor | null, limit: number) {
    const isNew = (n: Notification) => mark === null || n.indexedAt > mark.t || (n.indexedAt === mark.t && !mark.ids.includes(n.uri));
    // listNotifications pages from newest to oldest: walk back until what we have already seen.
    const fresh: Notification[] = [];
    let page: string | undefined;
    for (let i = 0; i < (mark === null ? 1 : 20); i++) {
      const res = await x.call('app.bsky.notification.listNotifications', { method: 'GET', params: { limit: mark === null ? limit : 100, cursor: page }, what: 'read notifications' });
      const body = res.json<{ notifications: Notification[]; cursor?: string }>();
      const batch = body.notifications.filter(isNew);
      fresh.push(...batch);
      if (batch.length < body.notifications.length || !body.cursor || body.notifications.length === 0) break;
      page = body.cursor;
    }
    // Oldest first; at the same instant, by record key (TIDs grow with creation time).
    const rkey = (n: Notification) => parseAtUri(n.uri)?.rkey ?? n.uri;
    fresh.sort((a, b) => (a.indexedAt < b.indexedAt ? -1 : a.indexedAt > b.indexedAt ? 1 : rkey(a) < rkey(b) ? -1 : 1));
    const taken = fresh.slice(0, limit);
    const last = taken.at(-1);
    // No notification at all yet: from now on, everything is new.
    let next: NotificationCursor = mark ?? { t: '', ids: [] };
    if (last !== undefined) {
      const sameInstant = taken.filter((n) => n.indexedAt === last.indexedAt).map((n) => n.uri);
      next = { t: last.indexedAt, ids: mark?.t === last.indexedAt ? [...mark.ids, ...sameInstant] : sameInstant };
    }
    const items = taken.map(notificationInteraction).filter((i): i is Interaction => i !== null);
    return { items, next, hasMore: fresh.length > taken.length };
  }

  /**
   * The DMs part of a poll. DMs degrade, never the poll: without DM access (known from the session's
   * scope, or from the PDS's refusal) or with the chat service unreachable, the DMs part of the cursor
   * stays where it was and a notice on the channel says why; a rate limit leaves it for the next poll
   * (the channel is already marked rate-limited by the HTTP client).
   */
  async function fetchDmPart(x: BlueskyXrpc, chat: ChatCursor | null, limit: number, since: Date | undefined) {
    const ctx = x.ctx;
    const unchanged = { items: [] as Interaction[], cursor: chat, hasMore: false };
    const notice = async (code: string | null, message = '') => {
      for (const c of Object.values(DM_NOTICES)) await ctx.setNotice?.(c, c === code ? { message } : null);
    };
    if (chatAccessFromToken(ctx.credentials.accessJwt) === 'denied') {
      await notice(DM_NOTICES.noAccess, DM_ACCESS_MESSAGE);
      return unchanged;
    }
    try {
      const from = since ?? new Date(ctx.now().getTime() - DM_BACKFILL_DAYS * 86_400_000);
      const page = await fetchDms(x, chat, { limit, since: from, appUrl });
      await notice(null);
      return page;
    } catch (err) {
      if (err instanceof ChatUnavailable) {
        ctx.log.warn({ network: 'bluesky', did: x.did, reason: err.reason }, 'direct messages not read');
        await notice(err.reason === 'no_access' ? DM_NOTICES.noAccess : DM_NOTICES.unavailable, err.message);
        return unchanged;
      }
      if (err instanceof Transient) {
        ctx.log.warn({ network: 'bluesky', did: x.did, error: err.message }, 'direct messages not read');
        await notice(DM_NOTICES.unavailable, `Bluesky's chat service did not answer: ${err.message}`);
        return unchanged;
      }
      if (err instanceof RateLimited) return unchanged;
      throw err;
    }
  }

  const connector: Connector<BlueskyCredentials> = {
    network: 'bluesky',
    capabilities: blueskyCapabilities,

    async limits() {
      return blueskyLimits;
    },

    validate(variant, limits) {
      return validateVariant(variant, limits, { thread: true, reply: true, contentWarning: false });
    },

    async verify(ctx) {
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.actor.getProfile', { method: 'GET', params: { actor: x.did }, what: 'read the profile' });
      const p = res.json<ProfileView>();
      if (p.handle !== ctx.credentials.handle) await ctx.saveCredentials({ ...ctx.credentials, handle: p.handle });
      return { remoteId: p.did, handle: p.handle, displayName: p.displayName || null, avatarUrl: p.avatar ?? null, url: `${appUrl}/profile/${p.handle}` };
    },

    async refreshCredentials(ctx) {
      await new BlueskyXrpc(ctx).refresh();
    },

    async disconnect(ctx) {
      const x = new BlueskyXrpc(ctx);
      await x.call('com.atproto.server.deleteSession', { method: 'POST', auth: 'refresh', what: 'close the session', allow: [400, 401] });
    },

    async publish(ctx, request) {
      // A reply to a DM is a message in its conversation, not a post.
      const dm = request.variant.replyTo === undefined ? null : parseDmRemoteId(request.variant.replyTo);
      if (dm !== null) return publishDm(ctx, request.variant, dm.convoId);
      const issues = connector.validate(request.variant, request.limits ?? blueskyLimits);
      if (issues.length > 0) throw rejectedByValidation(issues, 'bluesky');
      const x = new BlueskyXrpc(ctx);
      const handle = ctx.credentials.handle;
      const done = new Map((request.done ?? []).map((p) => [p.index, p]));
      let root: StrongRef | null = null;
      let parent: StrongRef | null = null;
      if (request.variant.replyTo !== undefined) {
        const [view] = await getPosts(x, [request.variant.replyTo]);
        if (view === undefined) throw new Rejected('The post to reply to does not exist (anymore) on Bluesky', 'not_found', { network: 'bluesky' });
        parent = { uri: view.uri, cid: view.cid };
        root = view.record.reply?.root ?? parent;
      }
      const result: PublishedPart[] = [];
      for (const [index, part] of parts(request.variant).entries()) {
        const rkey = tidFor(request.idempotencyKey, request.scheduledAt, index);
        const known = done.get(index);
        let ref: StrongRef | null = null;
        let createdAt = '';
        if (known !== undefined) {
          const existing = await getOwnRecord(x, POST, parseAtUri(known.remoteId)?.rkey ?? rkey);
          if (existing === null) throw new Rejected(`Part ${index + 1} was published earlier but no longer exists; it will not be published again`, 'not_found', { network: 'bluesky' });
          ref = { uri: existing.uri, cid: existing.cid };
          createdAt = String(existing.value['createdAt'] ?? known.publishedAt.toISOString());
        } else {
          const images = [];
          for (const media of part.media ?? []) images.push({ alt: media.altText ?? '', image: await uploadImage(x, media) });
          createdAt = ctx.now().toISOString();
          const record: Record<string, unknown> = { $type: POST, text: part.text, createdAt };
          const facets = await buildFacets(part.text, (h) => resolveHandle(x, h));
          if (facets.length > 0) record['facets'] = facets;
          if (request.variant.language) record['langs'] = [request.variant.language];
          if (images.length > 0) record['embed'] = { $type: 'app.bsky.embed.images', images };
          if (parent !== null && root !== null) record['reply'] = { root, parent };
          const res = await x.call('com.atproto.repo.putRecord', {
            method: 'POST',
            // swapRecord null = create only if no record has this key: a retry cannot duplicate.
            json: { repo: x.did, collection: POST, rkey, record, swapRecord: null },
            write: true,
            what: index === 0 ? 'publish the post' : `publish part ${index + 1} of the thread`,
            allow: [400],
          });
          if (res.status === 200) {
            ref = res.json<StrongRef>();
          } else if (xrpcError(res).error === 'InvalidSwap') {
            // Already created by an earlier attempt under the same idempotency key.
            const existing = await getOwnRecord(x, POST, rkey);
            if (existing === null) throw new Rejected('Bluesky reported a conflicting record that cannot be read', 'invalid_input', { network: 'bluesky' });
            ref = { uri: existing.uri, cid: existing.cid };
            createdAt = String(existing.value['createdAt'] ?? createdAt);
          } else {
            const { message, error } = xrpcError(res);
            throw new Rejected(`Bluesky refused to publish: ${message ?? error}`, /longer than|graphemes/i.test(message ?? '') ? 'too_long' : 'invalid_input', { network: 'bluesky', status: 400 });
          }
          const publishedPart = toPart(index, ref, createdAt, handle);
          await request.onPart?.(publishedPart);
          ctx.log.info({ network: 'bluesky', uri: ref.uri, part: index }, 'published');
        }
        result.push(toPart(index, ref, createdAt, handle));
        parent = ref;
        root ??= ref;
      }
      return published(result);
    },

    async findPublished(ctx, request) {
      const x = new BlueskyXrpc(ctx);
      const dm = request.variant.replyTo === undefined ? null : parseDmRemoteId(request.variant.replyTo);
      if (dm !== null) {
        // sendMessage has no idempotency key: our message with the same text since the reply was created.
        const found = await findDm(x, dm.convoId, request.variant.text, request.since);
        return found === null ? null : dmPublished(found);
      }
      const found: PublishedPart[] = [];
      for (const [index] of parts(request.variant).entries()) {
        const record = await getOwnRecord(x, POST, tidFor(request.idempotencyKey, request.since, index));
        if (record === null) break;
        found.push(toPart(index, record, String(record.value['createdAt'] ?? ctx.now().toISOString()), ctx.credentials.handle));
      }
      return found.length === 0 ? null : published(found);
    },

    async deletePost(ctx, remoteId) {
      if (isDmRemoteId(remoteId)) throw new Rejected('Passerelle does not delete direct messages on Bluesky', 'unsupported', { network: 'bluesky' });
      const x = new BlueskyXrpc(ctx);
      const p = parseAtUri(remoteId);
      if (p === null || p.did !== x.did || p.collection !== POST) {
        throw new Rejected('Only this account\'s own posts can be deleted', 'forbidden', { network: 'bluesky' });
      }
      await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: POST, rkey: p.rkey }, what: 'delete the post' });
      // Its threadgate (hidden replies) has the same key; remove it too (no-op when absent).
      await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: THREADGATE, rkey: p.rkey }, what: 'delete the thread settings' });
    },

    async fetchInteractions(ctx, cursor, opts): Promise<InteractionPage> {
      const x = new BlueskyXrpc(ctx);
      const limit = Math.min(Math.max(opts?.limit ?? 50, 1), 100);
      const state = decodeBlueskyCursor(cursor);
      // Backfill: a null cursor with `since` reads back to that instant, like a cursor set there.
      const mark = cursor === null && opts?.since ? { t: opts.since.toISOString(), ids: [] } : state.n;
      const notes = await fetchNotifications(x, mark, limit);
      // DMs second: notifications already read are returned even when chat fails.
      const dms = await fetchDmPart(x, state.c, limit, cursor === null ? opts?.since : undefined);
      const items = [...notes.items, ...dms.items].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return { items, cursor: encodeBlueskyCursor({ n: notes.next, c: dms.cursor }), hasMore: notes.hasMore || dms.hasMore };
    },

    async fetchReplies(ctx, remoteId) {
      // A DM conversation has no reply tree (its messages come through fetchInteractions).
      if (isDmRemoteId(remoteId)) return [];
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.feed.getPostThread', { method: 'GET', params: { uri: remoteId, depth: 20, parentHeight: 0 }, what: 'read the replies' });
      const out: Interaction[] = [];
      const walk = (node: ThreadView) => {
        for (const child of node.replies ?? []) {
          if (child.post === undefined) continue;
          out.push({ ...postInteraction(child.post, 'reply'), root: remoteId });
          walk(child);
        }
      };
      walk(res.json<{ thread: ThreadView }>().thread);
      return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async moderate(ctx, action, target) {
      if ((action === 'hide' || action === 'unhide') && target.remoteId !== undefined && isDmRemoteId(target.remoteId)) {
        throw new Rejected('Bluesky cannot hide a direct message; block its author instead', 'unsupported', { network: 'bluesky' });
      }
      const x = new BlueskyXrpc(ctx);
      if (action === 'hide' || action === 'unhide') return setHidden(x, target, action === 'hide');
      if (action === 'block' || action === 'unblock') {
        if (!target.authorRemoteId) throw new Rejected('Say whose account to block', 'invalid_input', { network: 'bluesky' });
        if (action === 'block') {
          await x.call('com.atproto.repo.createRecord', {
            method: 'POST',
            json: { repo: x.did, collection: 'app.bsky.graph.block', record: { $type: 'app.bsky.graph.block', subject: target.authorRemoteId, createdAt: ctx.now().toISOString() } },
            what: 'block the account',
          });
          return;
        }
        const res = await x.call('app.bsky.actor.getProfile', { method: 'GET', params: { actor: target.authorRemoteId }, what: 'read the profile' });
        const blocking = res.json<ProfileView>().viewer?.blocking;
        const p = blocking ? parseAtUri(blocking) : null;
        if (p !== null) await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: p.collection, rkey: p.rkey }, what: 'unblock the account' });
        return;
      }
      throw new Rejected('Bluesky does not let an account delete other people\'s replies; hide the reply or block its author instead', 'unsupported', { network: 'bluesky' });
    },

    async fetchMetrics(ctx, remoteIds): Promise<MetricSnapshot[]> {
      const x = new BlueskyXrpc(ctx);
      // DMs have no counts: left out like deleted posts.
      const views = await getPosts(x, remoteIds.filter((id) => !isDmRemoteId(id)));
      const fetchedAt = ctx.now();
      return views.map((v) => ({
        remoteId: v.uri,
        fetchedAt,
        values: { likes: v.likeCount ?? 0, reposts: v.repostCount ?? 0, replies: v.replyCount ?? 0, quotes: v.quoteCount ?? 0 },
        fields: { likes: 'likeCount', reposts: 'repostCount', replies: 'replyCount', quotes: 'quoteCount' },
      }));
    },

    async search(ctx, query, cursor) {
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.feed.searchPosts', { method: 'GET', params: { q: query, limit: 25, cursor: cursor ?? undefined }, what: 'search posts' });
      const body = res.json<{ posts: PostView[]; cursor?: string }>();
      return { items: body.posts.map((p) => postInteraction(p, 'mention')), cursor: body.cursor ?? null };
    },

    streamNetwork(ctx, sink, signal) {
      // Jetstream: one connection for every Bluesky channel; matching posts trigger a poll (jetstream.ts).
      return streamJetstream(ctx, sink, signal);
    },
  };
  return connector;
}

/** The interface is generic over credentials; this alias names the Bluesky one. */
export type BlueskyConnector = Connector<BlueskyCredentials>;
export type { BlueskyCredentials, ConnectorContext };
