/**
 * Mastodon API shapes (the fields Passerelle reads), header parsing and mapping to the contract's types.
 * Documented at https://docs.joinmastodon.org/entities/.
 */
import type { AccountProfile, Interaction, InteractionKind, Limits, RemoteAuthor } from '../connector.ts';
import type { RateLimitParser } from '../http.ts';
import { numberHeader } from '../http.ts';

/** What the channels module stores (encrypted) for a Mastodon channel. Tokens never expire. */
export interface MastodonCredentials {
  /** Origin of the instance, e.g. `https://mastodon.social`. */
  instanceUrl: string;
  accessToken: string;
  /** Our account id on the instance. */
  accountId: string;
  /** The app registered on the instance (needed to revoke the token). */
  clientId: string;
  clientSecret: string;
}

export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  avatar: string;
  url: string;
  followers_count?: number;
}

export interface MastodonStatus {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  content: string;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  account: MastodonAccount;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  quotes_count?: number;
  quote?: { quoted_status?: { id: string } | null } | null;
}

export interface MastodonNotification {
  id: string;
  type: string;
  created_at: string;
  account: MastodonAccount;
  status?: MastodonStatus | null;
}

export interface MastodonInstance {
  domain?: string;
  version?: string;
  configuration?: {
    statuses?: { max_characters?: number; max_media_attachments?: number; characters_reserved_per_url?: number };
    media_attachments?: { supported_mime_types?: string[]; image_size_limit?: number; description_limit?: number };
  };
}

/** `X-RateLimit-*`: reset is an ISO 8601 time. */
export const parseMastodonRateLimit: RateLimitParser = (headers) => {
  const reset = headers.get('x-ratelimit-reset');
  if (reset === null) return null;
  const resetAt = new Date(reset);
  if (Number.isNaN(resetAt.getTime())) return null;
  return { remaining: numberHeader(headers, 'x-ratelimit-remaining'), limit: numberHeader(headers, 'x-ratelimit-limit'), resetAt };
};

/** Limits read from `/api/v2/instance`, with Mastodon's defaults for what an instance leaves out. */
export function limitsFromInstance(instance: MastodonInstance): Limits {
  const statuses = instance.configuration?.statuses ?? {};
  const media = instance.configuration?.media_attachments ?? {};
  const imageTypes = (media.supported_mime_types ?? ['image/jpeg', 'image/png', 'image/gif', 'image/webp']).filter((t) => t.startsWith('image/'));
  return {
    text: { maxLength: statuses.max_characters ?? 500, counting: 'mastodon', maxBytes: null, urlLength: statuses.characters_reserved_per_url ?? 23 },
    media: {
      maxCount: statuses.max_media_attachments ?? 4,
      maxImageBytes: media.image_size_limit ?? 16 * 1024 * 1024,
      imageMimeTypes: imageTypes,
      maxAltTextLength: media.description_limit ?? 1500,
    },
    maxThreadParts: 25,
    maxLanguages: 1,
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Status HTML to plain text: paragraphs and line breaks kept, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      const lower = entity.toLowerCase();
      if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith('#') && lower !== '#39') return String.fromCodePoint(parseInt(lower.slice(1), 10));
      return ENTITIES[lower] ?? whole;
    })
    .trim();
}

/** `acct` is `user` for local accounts and `user@domain` for remote ones: always return the full handle. */
export function fullHandle(account: MastodonAccount, instanceUrl: string): string {
  return account.acct.includes('@') ? account.acct : `${account.acct}@${new URL(instanceUrl).host}`;
}

export function toAuthor(account: MastodonAccount, instanceUrl: string): RemoteAuthor {
  const author: RemoteAuthor = {
    remoteId: account.id,
    handle: fullHandle(account, instanceUrl),
    displayName: account.display_name || null,
    avatarUrl: account.avatar || null,
  };
  if (account.followers_count !== undefined) author.followers = account.followers_count;
  return author;
}

export function toProfile(account: MastodonAccount, instanceUrl: string): AccountProfile {
  return {
    remoteId: account.id,
    handle: fullHandle(account, instanceUrl),
    displayName: account.display_name || null,
    avatarUrl: account.avatar || null,
    url: account.url,
  };
}

/** A status addressed to us as an interaction: a DM, a reply to one of our posts, or a mention. */
export function statusInteraction(status: MastodonStatus, ownAccountId: string, instanceUrl: string, kind?: InteractionKind): Interaction {
  const resolved: InteractionKind =
    kind ?? (status.visibility === 'direct' ? 'dm' : status.in_reply_to_account_id === ownAccountId ? 'reply' : 'mention');
  return {
    remoteId: status.id,
    kind: resolved,
    author: toAuthor(status.account, instanceUrl),
    text: htmlToText(status.content),
    createdAt: new Date(status.created_at),
    inReplyTo: resolved === 'quote' ? (status.quote?.quoted_status?.id ?? null) : status.in_reply_to_id,
    root: null,
    url: status.url ?? status.uri,
    raw: { visibility: status.visibility, uri: status.uri },
  };
}

const NOTIFICATION_KINDS: Record<string, InteractionKind> = {
  favourite: 'like',
  reblog: 'repost',
  follow: 'follow',
  quote: 'quote',
};

/** A notification as an interaction, or null for types the inbox does not handle (polls, admin…). */
export function notificationInteraction(n: MastodonNotification, ownAccountId: string, instanceUrl: string): Interaction | null {
  if (n.type === 'mention' && n.status) {
    const interaction = statusInteraction(n.status, ownAccountId, instanceUrl);
    interaction.raw = { ...interaction.raw, notificationId: n.id, type: n.type };
    return interaction;
  }
  if (n.type === 'quote' && n.status) {
    const interaction = statusInteraction(n.status, ownAccountId, instanceUrl, 'quote');
    interaction.raw = { ...interaction.raw, notificationId: n.id, type: n.type };
    return interaction;
  }
  const kind = NOTIFICATION_KINDS[n.type];
  if (kind === undefined) return null;
  return {
    // A like or repost has no status of its own: the notification is the interaction.
    remoteId: `notification:${n.id}`,
    kind,
    author: toAuthor(n.account, instanceUrl),
    text: '',
    createdAt: new Date(n.created_at),
    inReplyTo: n.status?.id ?? null,
    root: null,
    url: n.status ? (n.status.url ?? n.status.uri) : n.account.url,
    raw: { notificationId: n.id, type: n.type },
  };
}

/** Parses `Link: <…?min_id=5>; rel="prev", <…?max_id=1>; rel="next"` into `{ prev: {min_id:'5'}, next: {max_id:'1'} }`. */
export function parseLinkHeader(value: string | null): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (value === null) return out;
  for (const part of value.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    try {
      out[m[2]] = Object.fromEntries(new URL(m[1]).searchParams);
    } catch {
      // ignore a malformed link
    }
  }
  return out;
}

/** Compares Mastodon ids (numeric strings of any length). */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
