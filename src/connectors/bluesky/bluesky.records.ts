/**
 * The AT Protocol shapes the Bluesky connector reads (lexicons app.bsky.feed.*, app.bsky.actor.*,
 * app.bsky.notification.*), the reads every part of it shares (own records, posts by URI, handles), and
 * a post as an `Interaction`.
 */
import type { Interaction, InteractionKind, RemoteAuthor } from '../connector.ts';
import { Rejected } from '../errors.ts';
import { type BlueskyXrpc, parseAtUri, xrpcError } from './bluesky.xrpc.ts';

export const POST = 'app.bsky.feed.post';
export const THREADGATE = 'app.bsky.feed.threadgate';

export interface StrongRef {
  uri: string;
  cid: string;
}

export interface ProfileView {
  did: string;
  handle: string;
  displayName?: string;
  avatar?: string;
  followersCount?: number;
  viewer?: { blocking?: string };
}

export interface PostRecord {
  text?: string;
  createdAt?: string;
  reply?: { root: StrongRef; parent: StrongRef };
  embed?: { $type?: string; record?: StrongRef | { record?: StrongRef } };
}

export interface PostView {
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

export interface Notification {
  uri: string;
  cid: string;
  author: ProfileView;
  reason: string;
  reasonSubject?: string;
  record: PostRecord;
  indexedAt: string;
}

export interface ThreadView {
  $type?: string;
  post?: PostView;
  replies?: ThreadView[];
}

/** Web URL of a post (`<app>/profile/<handle or did>/post/<rkey>`); the URI itself when it is not an AT URI. */
export type PostUrl = (uri: string, handle?: string) => string;

/** Where the connector's links point: the web app (default https://bsky.app) and its post URLs. */
export interface BlueskyLinks {
  appUrl: string;
  postUrl: PostUrl;
}

/** The links of a web app at `appUrl`. */
export function blueskyLinks(appUrl: string): BlueskyLinks {
  const postUrl: PostUrl = (uri, handle) => {
    const p = parseAtUri(uri);
    return p === null ? uri : `${appUrl}/profile/${handle ?? p.did}/post/${p.rkey}`;
  };
  return { appUrl, postUrl };
}

/** The author of a post or notification as the connector contract names it. */
export function author(p: ProfileView): RemoteAuthor {
  const a: RemoteAuthor = { remoteId: p.did, handle: p.handle, displayName: p.displayName || null, avatarUrl: p.avatar ?? null };
  if (p.followersCount !== undefined) a.followers = p.followersCount;
  return a;
}

/** One record of this account's repository; null when there is none under that key. */
export async function getOwnRecord(x: BlueskyXrpc, collection: string, rkey: string): Promise<{ uri: string; cid: string; value: Record<string, unknown> } | null> {
  const res = await x.call('com.atproto.repo.getRecord', { method: 'GET', params: { repo: x.did, collection, rkey }, what: 'read a record', allow: [400, 404] });
  if (res.status !== 200) {
    const { error } = xrpcError(res);
    if (res.status === 404 || error === 'RecordNotFound' || error === 'NotFound') return null;
    throw new Rejected(`Bluesky refused to read a record: ${xrpcError(res).message ?? error}`, 'invalid_input', { network: 'bluesky', status: res.status });
  }
  return res.json();
}

/** Posts by AT URI, 25 per request (getPosts' maximum); deleted ones are simply absent. */
export async function getPosts(x: BlueskyXrpc, uris: string[]): Promise<PostView[]> {
  const out: PostView[] = [];
  for (let i = 0; i < uris.length; i += 25) {
    const res = await x.call('app.bsky.feed.getPosts', { method: 'GET', params: { uris: uris.slice(i, i + 25) }, what: 'read posts' });
    out.push(...res.json<{ posts: PostView[] }>().posts);
  }
  return out;
}

/** A handle's DID, or null when it does not resolve (facets of mentions). */
export async function resolveHandle(x: BlueskyXrpc, handle: string): Promise<string | null> {
  const res = await x.call('com.atproto.identity.resolveHandle', { method: 'GET', params: { handle }, what: 'resolve a handle', allow: [400, 404] });
  return res.status === 200 ? res.json<{ did: string }>().did : null;
}

/** A post (a reply, mention or quote, or a search result) as an interaction. */
export function postInteraction(view: PostView, kind: InteractionKind, postUrl: PostUrl): Interaction {
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
