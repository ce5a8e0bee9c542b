/**
 * Google Business Profile connector: one channel per location. Reviews come in through
 * `fetchInteractions` (v4 `reviews.list`, newest first, walked down to the cursor and returned oldest
 * first); the only thing it publishes is the owner's reply to a review (`PUT {review}/reply`, which
 * creates or replaces, so it is idempotent by nature). Access tokens last about an hour and are renewed
 * with the refresh token (before they expire, and once after a 401).
 */
import type {
  Capabilities,
  Connector,
  ConnectorContext,
  Interaction,
  InteractionPage,
  Published,
  PublishRequest,
  ReconcileRequest,
  ValidationIssue,
} from '../connector.ts';
import { Rejected, rejectedByValidation } from '../errors.ts';
import type { CallResult, CallSpec } from '../http.ts';
import { validateVariant } from '../text/validate.ts';
import type { GoogleBusinessCredentials, GoogleLocation, GoogleReview, GoogleReviewList } from './google-business.api.ts';
import {
  googleEndpoints, GoogleApi, reviewEditInteraction, reviewInteraction, reviewNameOf, TokenRejected, v4Location,
} from './google-business.api.ts';
import { GOOGLE_BUSINESS_LIMITS, refreshGoogleToken, revokeGoogleToken } from './google-business.auth.ts';

export const googleBusinessCapabilities: Capabilities = {
  auth: 'oauth2',
  credentials: { expire: true, refreshable: true },
  // Reviews can only be answered: no posts, media, threads or content warnings through this connector.
  publish: { text: false, images: false, video: false, thread: false, reply: true, contentWarning: false },
  // Our reply can be deleted (`deletePost` on the reply's id).
  deleteOwn: true,
  interactions: ['review'],
  // Reviews cannot be hidden or deleted through the API (only flagged on Google's side).
  moderation: [],
  // The Performance API (views, calls, directions) is a separate API, not wired yet.
  metrics: [],
  search: false,
  // The reply's id is derived from the review (`{review}/reply`): the lookup is exact.
  reconciliation: 'record-key',
  // New-review notifications go through Cloud Pub/Sub (a Google Cloud topic per installation): polled instead.
  stream: 'none',
};

/** Renew the access token when it expires within this margin. */
const REFRESH_MARGIN_MS = 60_000;
/** Reviews per list page (the API's maximum). */
const PAGE_SIZE = 50;
/** Pages walked per `fetchInteractions` at most (2,500 reviews). */
const MAX_PAGES = 50;

/** The opaque cursor: the newest `updateTime` seen and the reviews seen at exactly that time. */
interface ReviewCursor {
  v: 1;
  t: string;
  ids: string[];
}

function encodeCursor(c: ReviewCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string | null): ReviewCursor | null {
  if (cursor === null) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as ReviewCursor;
    if (c.v === 1 && typeof c.t === 'string' && Array.isArray(c.ids)) return c;
  } catch {
    // fall through
  }
  throw new Rejected('The stored review cursor is not one this connector wrote', 'invalid_input', { network: 'google-business' });
}

const ms = (iso: string) => new Date(iso).getTime();

/** True when `review` is newer than the cursor (a later update, or the same instant but unseen). */
function isNewer(review: GoogleReview, cursor: ReviewCursor): boolean {
  const t = ms(review.updateTime);
  const c = ms(cursor.t);
  return t > c || (t === c && !cursor.ids.includes(review.name));
}

/**
 * True when a changed review is an edit of a version we already hold: it existed at the cursor and
 * changed after it was written. A change that is only our reply (Google may move `updateTime` when the
 * owner replies; not documented either way) is not an edit.
 */
function isEdit(review: GoogleReview, cursor: ReviewCursor): boolean {
  const updated = ms(review.updateTime);
  if (updated <= ms(review.createTime) || ms(review.createTime) > ms(cursor.t)) return false;
  return !(review.reviewReply && ms(review.reviewReply.updateTime) >= updated);
}

/** Where to resume after `items` (sorted by updateTime ascending): the last time and every name at it. */
function cursorAfter(reviews: GoogleReview[], previous: ReviewCursor | null): ReviewCursor | null {
  const last = reviews.at(-1);
  if (last === undefined) return previous;
  const t = ms(last.updateTime);
  const ids = reviews.filter((r) => ms(r.updateTime) === t).map((r) => r.name);
  if (previous !== null && ms(previous.t) === t) ids.push(...previous.ids.filter((id) => !ids.includes(id)));
  return { v: 1, t: last.updateTime, ids };
}

/** Options of the connector (tests shorten the refresh margin or the walk). */
export interface GoogleBusinessOptions {
  maxPages?: number;
}

/** Creates the Google Business Profile connector. */
export function createGoogleBusinessConnector(options: GoogleBusinessOptions = {}): Connector<GoogleBusinessCredentials> {
  const maxPages = options.maxPages ?? MAX_PAGES;

  async function refresh(ctx: ConnectorContext<GoogleBusinessCredentials>): Promise<void> {
    const next = await refreshGoogleToken(ctx, ctx.credentials);
    await ctx.saveCredentials(next);
    ctx.credentials = next;
  }

  /** An authenticated call: renews an expiring token first, and once after a 401. */
  async function call(ctx: ConnectorContext<GoogleBusinessCredentials>, spec: CallSpec & { json?: unknown; allow?: number[] }): Promise<CallResult> {
    if (ms(ctx.credentials.accessTokenExpiresAt) - ctx.now().getTime() < REFRESH_MARGIN_MS) await refresh(ctx);
    try {
      return await new GoogleApi(ctx, ctx.credentials.accessToken).call(spec);
    } catch (err) {
      if (!(err instanceof TokenRejected)) throw err;
      ctx.log.info({ network: 'google-business' }, 'access token refused; renewing it once');
      await refresh(ctx);
      // A second 401 right after a successful refresh: the grant itself no longer works (AuthExpired).
      return new GoogleApi(ctx, ctx.credentials.accessToken).call(spec);
    }
  }

  const reviewsUrl = (c: GoogleBusinessCredentials) => `${googleEndpoints(c.apiBase).reviews}/${v4Location(c)}/reviews`;
  const reviewUrl = (c: GoogleBusinessCredentials, name: string) => `${googleEndpoints(c.apiBase).reviews}/${name}`;

  /** The review a remote id is about: a review, one of its edits (`@<time>`), or our reply (`/reply@<time>`). */
  function ownReview(ctx: ConnectorContext<GoogleBusinessCredentials>, remoteId: string): string {
    const name = reviewNameOf(remoteId.replace(/@.*$/, '').replace(/\/reply$/, ''));
    if (!name.startsWith(`${v4Location(ctx.credentials)}/reviews/`)) {
      throw new Rejected('This review belongs to another location than this channel', 'invalid_input', { network: 'google-business' });
    }
    return name;
  }

  /**
   * A review has one reply, replaced by each PUT: its remote id is `{review}/reply@{updateTime}`, so
   * every version we send is its own message in the conversation (`deletePost` accepts any version).
   */
  function replyPublished(ctx: ConnectorContext<GoogleBusinessCredentials>, review: string, at: string | undefined): Published {
    const publishedAt = at ? new Date(at) : ctx.now();
    const part = { index: 0, remoteId: `${review}/reply@${publishedAt.toISOString()}`, url: ctx.credentials.mapsUri ?? 'https://business.google.com/reviews', publishedAt };
    return { ...part, parts: [part] };
  }

  const connector: Connector<GoogleBusinessCredentials> = {
    network: 'google-business',
    capabilities: googleBusinessCapabilities,

    async limits() {
      return GOOGLE_BUSINESS_LIMITS;
    },

    validate(variant, limits): ValidationIssue[] {
      const issues = validateVariant(variant, limits, { thread: false, reply: true, contentWarning: false });
      if (variant.replyTo === undefined) {
        issues.unshift({
          code: 'reply_required', field: 'replyTo', limit: 1, actual: 0, over: 1,
          message: 'Google Business Profile only publishes replies to reviews, not posts',
        });
      }
      return issues;
    },

    async verify(ctx) {
      const url = new URL(`${googleEndpoints(ctx.credentials.apiBase).businessInformation}/${ctx.credentials.location}`);
      url.searchParams.set('readMask', 'name,title,metadata');
      const l = (await call(ctx, { method: 'GET', url, what: 'read the location' })).json<GoogleLocation>();
      return {
        remoteId: l.name, handle: l.title ?? ctx.credentials.locationTitle, displayName: l.title ?? ctx.credentials.locationTitle,
        avatarUrl: null, url: l.metadata?.mapsUri ?? ctx.credentials.mapsUri ?? 'https://business.google.com/',
      };
    },

    async refreshCredentials(ctx) {
      await refresh(ctx);
    },

    async disconnect(ctx) {
      await revokeGoogleToken(ctx, ctx.credentials);
    },

    grantOf(credentials) {
      return credentials.grantId;
    },

    async publish(ctx, request: PublishRequest): Promise<Published> {
      const issues = connector.validate(request.variant, request.limits ?? GOOGLE_BUSINESS_LIMITS);
      if (issues.length > 0) throw rejectedByValidation(issues, 'google-business');
      const review = ownReview(ctx, request.variant.replyTo!);
      // PUT creates or replaces the one reply of the review: a retry cannot make a second reply.
      const res = await call(ctx, { method: 'PUT', url: `${reviewUrl(ctx.credentials, review)}/reply`, json: { comment: request.variant.text }, write: true, what: 'reply to the review' });
      const reply = res.json<{ comment?: string; updateTime?: string }>();
      const published = replyPublished(ctx, review, reply.updateTime);
      await request.onPart?.(published.parts[0]!);
      ctx.log.info({ network: 'google-business', review }, 'replied to review');
      return published;
    },

    async findPublished(ctx, request: ReconcileRequest): Promise<Published | null> {
      if (request.variant.replyTo === undefined) return null;
      const review = ownReview(ctx, request.variant.replyTo);
      const res = await call(ctx, { method: 'GET', url: reviewUrl(ctx.credentials, review), what: 'read the review', allow: [404] });
      if (res.status === 404) return null;
      const reply = res.json<GoogleReview>().reviewReply;
      // Google keeps one reply per review: ours went through when that reply holds our text.
      if (!reply || reply.comment.trim() !== request.variant.text.trim()) return null;
      return replyPublished(ctx, review, reply.updateTime);
    },

    async deletePost(ctx, remoteId) {
      if (!/\/reply(@.*)?$/.test(remoteId)) {
        throw new Rejected('Only Passerelle\'s reply to a review can be deleted; reviews themselves cannot', 'unsupported', { network: 'google-business' });
      }
      const review = ownReview(ctx, remoteId);
      await call(ctx, { method: 'DELETE', url: `${reviewUrl(ctx.credentials, review)}/reply`, what: 'delete the reply', allow: [404] });
    },

    async fetchInteractions(ctx, cursor, opts): Promise<InteractionPage> {
      const after = decodeCursor(cursor);
      const limit = Math.min(Math.max(opts?.limit ?? PAGE_SIZE, 1), 200);
      const since = after === null ? (opts?.since ?? null) : null;
      // Reviews list newest first only (orderBy "updateTime desc"; ascending is not offered): walk down
      // to the cursor (or `since`, or just the first page), then hand them out oldest first.
      const found: GoogleReview[] = [];
      let newest: GoogleReview | undefined;
      let pageToken: string | undefined;
      let reachedEnd = false;
      for (let page = 0; page < maxPages; page++) {
        const url = new URL(reviewsUrl(ctx.credentials));
        url.searchParams.set('pageSize', String(PAGE_SIZE));
        url.searchParams.set('orderBy', 'updateTime desc');
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const body = (await call(ctx, { method: 'GET', url, what: 'list the reviews' })).json<GoogleReviewList>();
        const reviews = body.reviews ?? [];
        newest ??= reviews[0];
        let older = false;
        for (const r of reviews) {
          const floor = after !== null ? ms(after.t) : (since?.getTime() ?? null);
          if (floor !== null && ms(r.updateTime) < floor) {
            older = true;
            break;
          }
          // At the cursor's own instant, the reviews already handed out are skipped, the others kept.
          if (after === null || isNewer(r, after)) found.push(r);
        }
        pageToken = body.nextPageToken;
        // With neither cursor nor `since`, the newest page is the starting point ("from now on").
        if (older || !pageToken || (after === null && since === null)) {
          reachedEnd = true;
          break;
        }
      }
      if (!reachedEnd) {
        ctx.log.warn({ network: 'google-business', pages: maxPages }, 'more changed reviews than one walk reads; the oldest of them are skipped');
      }
      found.sort((a, b) => ms(a.updateTime) - ms(b.updateTime) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const batch = found.slice(0, limit);
      const items: Interaction[] = [];
      for (const r of batch) {
        items.push(reviewInteraction(r, ctx.credentials.mapsUri));
        if (after !== null && isEdit(r, after)) items.push(reviewEditInteraction(r, ctx.credentials.mapsUri));
      }
      // Nothing new on a first call: resume from the newest review there is (older ones are not
      // backfilled), or from now when the location has none yet.
      const start: ReviewCursor = newest ? { v: 1, t: newest.updateTime, ids: [newest.name] } : { v: 1, t: ctx.now().toISOString(), ids: [] };
      const next = cursorAfter(batch, after) ?? start;
      return { items, cursor: encodeCursor(next), hasMore: found.length > batch.length };
    },

    async fetchReplies() {
      // A review has at most one reply, ours; there is nothing else below it.
      return [];
    },

    async moderate() {
      throw new Rejected('Google does not let a business hide or delete reviews through its API; flag a review on Google instead', 'unsupported', { network: 'google-business' });
    },

    async fetchMetrics() {
      return [];
    },

    async search() {
      throw new Rejected('Google Business Profile has no search', 'unsupported', { network: 'google-business' });
    },
  };
  return connector;
}
