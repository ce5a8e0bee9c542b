/**
 * What comes in from Bluesky: notifications (replies, mentions, quotes, likes, reposts, follows) and
 * DMs (bluesky.chat.ts) read behind one cursor, and the replies under a post.
 */
import type { Connector, Interaction, InteractionKind, InteractionPage } from '../connector.ts';
import { RateLimited, Transient } from '../errors.ts';
import type { ChatCursor } from './bluesky.chat.ts';
import { ChatUnavailable, chatAccessFromToken, DM_ACCESS_MESSAGE, DM_BACKFILL_DAYS, DM_NOTICES, fetchDms, isDmRemoteId } from './bluesky.chat.ts';
import { author, type BlueskyLinks, type Notification, postInteraction, type ThreadView } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc, parseAtUri } from './bluesky.xrpc.ts';

const REASONS: Record<string, InteractionKind> = {
  like: 'like',
  repost: 'repost',
  follow: 'follow',
  mention: 'mention',
  reply: 'reply',
  quote: 'quote',
};

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

/** `fetchInteractions` and `fetchReplies` of the Bluesky connector. */
export function createBlueskyInteractions({ appUrl, postUrl }: BlueskyLinks): Pick<Connector<BlueskyCredentials>, 'fetchInteractions' | 'fetchReplies'> {
  function notificationInteraction(n: Notification): Interaction | null {
    const kind = REASONS[n.reason];
    if (kind === undefined) return null;
    if (kind === 'reply' || kind === 'mention' || kind === 'quote') {
      const interaction = postInteraction({ uri: n.uri, cid: n.cid, author: n.author, record: n.record, indexedAt: n.indexedAt }, kind, postUrl);
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

  return {
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
          out.push({ ...postInteraction(child.post, 'reply', postUrl), root: remoteId });
          walk(child);
        }
      };
      walk(res.json<{ thread: ThreadView }>().thread);
      return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
  };
}
