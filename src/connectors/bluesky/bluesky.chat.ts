/**
 * Bluesky direct messages (`chat.bsky.convo.*`, lexicons in bluesky-social/atproto
 * `lexicons/chat/bsky/convo/`). The PDS does not serve chat itself: every call goes to the account's PDS
 * with the header `atproto-proxy: did:web:api.bsky.chat#bsky_chat`, and the PDS forwards it to the chat
 * service with a service token. It forwards only for sessions allowed to: an app password created
 * without "Allow access to your direct messages" gets 400 `InvalidToken` "Bad token method" — a lasting
 * condition of the channel (`ChatUnavailable('no_access')`), not an expired session.
 *
 * Reading: `getLog` is the account's event log, paged by `rev` (sortable strings, like record keys).
 * The first read of a channel (or the first after DM access was granted) takes the log's head rev, then
 * backfills from `since` with `listConvos` + `getMessages`, one conversation at a time across pages;
 * afterwards the log is read from that head rev, so nothing between the two reads is lost (what is read
 * twice has the same remote id, and ingest drops the duplicate).
 *
 * Remote ids are `chat:<convoId>:<messageId>`: never an at:// URI, so nothing mistakes a DM for a post.
 */
import type { Interaction, Limits } from '../connector.ts';
import { Rejected } from '../errors.ts';
import type { BlueskyXrpc, XrpcCall } from './bluesky.xrpc.ts';
import { isTokenMethodRefusal, jwtScope, rejectedFrom, xrpcError } from './bluesky.xrpc.ts';

/** The chat service the PDS forwards `chat.bsky.*` to. */
export const CHAT_PROXY = 'did:web:api.bsky.chat#bsky_chat';

/** What users are told when the channel's app password cannot read DMs. */
export const DM_ACCESS_MESSAGE =
  'Direct messages need an app password with DM access: in Bluesky, Settings → Privacy and security → App passwords, create one with "Allow access to your direct messages" checked, then reconnect the channel with it.';

/** Notice codes this module reports on the channel (`ConnectorContext.setNotice`). */
export const DM_NOTICES = { noAccess: 'dm_access_missing', unavailable: 'dm_unavailable' } as const;

/** Days of DMs read when a channel starts reading them without an explicit `since`. */
export const DM_BACKFILL_DAYS = 7;

/** `chat.bsky.convo.defs#messageInput`: 1,000 graphemes and 10,000 bytes, text only (no images, no thread). */
export const dmLimits: Limits = {
  text: { maxLength: 1000, counting: 'graphemes', maxBytes: 10_000, urlLength: null },
  media: { maxCount: 0, maxImageBytes: 0, imageMimeTypes: [], maxAltTextLength: 0 },
  maxThreadParts: 1,
  maxLanguages: 3,
};

const PREFIX = 'chat:';
const MESSAGE_VIEW = 'chat.bsky.convo.defs#messageView';
const CREATE_MESSAGE = 'chat.bsky.convo.defs#logCreateMessage';
const LOG_PAGES = 20;
const CONVO_PAGES = 5;
const MESSAGE_PAGES = 10;
/** Clock difference tolerated between our `since` and the chat service's `sentAt` when reconciling. */
const CLOCK_SKEW_MS = 120_000;

/** The remote id of a DM: `chat:<convoId>:<messageId>` (each part URI-encoded, so a `:` inside cannot confuse it). */
export function dmRemoteId(convoId: string, messageId: string): string {
  return `${PREFIX}${encodeURIComponent(convoId)}:${encodeURIComponent(messageId)}`;
}

/** The conversation and message of a DM remote id, or null when `remoteId` is not one (e.g. an at:// URI). */
export function parseDmRemoteId(remoteId: string): { convoId: string; messageId: string } | null {
  const m = /^chat:([^:]+):([^:]+)$/.exec(remoteId);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  try {
    return { convoId: decodeURIComponent(m[1]), messageId: decodeURIComponent(m[2]) };
  } catch {
    return null;
  }
}

/** True for a DM remote id. */
export function isDmRemoteId(remoteId: string): boolean {
  return parseDmRemoteId(remoteId) !== null;
}

/** Why DMs could not be read: the app password lacks DM access, or the chat service did not answer usably. */
export class ChatUnavailable extends Error {
  readonly reason: 'no_access' | 'unavailable';

  constructor(reason: 'no_access' | 'unavailable', message: string) {
    super(message);
    this.name = 'ChatUnavailable';
    this.reason = reason;
  }
}

/**
 * Whether the session can call chat, from its JWT alone: `com.atproto.appPass` is an app password
 * created without DM access (the PDS would refuse every chat call); anything else is worth a try.
 */
export function chatAccessFromToken(accessJwt: string): 'denied' | 'unknown' {
  return jwtScope(accessJwt) === 'com.atproto.appPass' ? 'denied' : 'unknown';
}

/** The chat part of the connector's cursor. */
export interface ChatCursor {
  /** Resume point in `getLog` ('' when the log had no head yet). */
  rev: string;
  /** Backfill in progress: conversations still to read back to `since`. */
  fill?: { since: string; convos: string[] };
}

/** One page of DMs, oldest first. */
export interface DmPage {
  items: Interaction[];
  cursor: ChatCursor;
  hasMore: boolean;
}

/** `chat.bsky.actor.defs#profileViewBasic` (the fields used). */
interface ChatProfile {
  did: string;
  handle: string;
  displayName?: string;
  avatar?: string;
}

/** `chat.bsky.convo.defs#messageView`, `#deletedMessageView` or `#systemMessageView`. */
interface MessageView {
  $type?: string;
  id: string;
  rev: string;
  text?: string;
  sender?: { did: string };
  sentAt: string;
}

interface ConvoView {
  id: string;
  members: ChatProfile[];
  lastMessage?: MessageView;
}

interface LogEntry {
  $type?: string;
  rev: string;
  convoId?: string;
  message?: MessageView;
  relatedProfiles?: ChatProfile[];
}

/** A message someone wrote (not deleted, not a system message). */
function isUserMessage(m: MessageView | undefined): m is MessageView & { text: string; sender: { did: string } } {
  if (m === undefined || typeof m.text !== 'string' || m.sender === undefined) return false;
  return m.$type === undefined || m.$type === MESSAGE_VIEW;
}

/**
 * A chat read through the PDS. Refusals for the session become `ChatUnavailable('no_access')`; a proxy
 * or chat service that cannot answer becomes `ChatUnavailable('unavailable')`; an error named in
 * `handled` is returned for the caller. Rate limits and expired sessions keep their usual errors.
 */
async function chatRead(x: BlueskyXrpc, nsid: string, call: Omit<XrpcCall, 'proxy' | 'allow' | 'method'>, handled: string[] = []) {
  const res = await x.call(nsid, { ...call, method: 'GET', proxy: CHAT_PROXY, allow: [400, 401, 403, 404, 501] });
  if (res.status < 400) return res;
  if (isTokenMethodRefusal(res)) throw new ChatUnavailable('no_access', DM_ACCESS_MESSAGE);
  const { error, message } = xrpcError(res);
  if (error !== undefined && handled.includes(error)) return res;
  throw new ChatUnavailable('unavailable', `Bluesky's chat service could not be read through the PDS (HTTP ${res.status}${error ? ` ${error}` : ''}${message ? `: ${message}` : ''})`);
}

/** Who sent what: profiles from log events and conversation members, fetched once per call. */
class Profiles {
  private readonly byDid = new Map<string, ChatProfile>();
  private readonly convos = new Set<string>();
  private readonly x: BlueskyXrpc;

  constructor(x: BlueskyXrpc) {
    this.x = x;
  }

  add(profiles: ChatProfile[] | undefined): void {
    for (const p of profiles ?? []) if (typeof p?.did === 'string' && typeof p.handle === 'string') this.byDid.set(p.did, p);
  }

  addConvo(convo: ConvoView): void {
    this.add(convo.members);
    this.convos.add(convo.id);
  }

  /** The sender's profile; reads the conversation's members when no event named them. */
  async of(convoId: string, did: string): Promise<ChatProfile | undefined> {
    if (!this.byDid.has(did) && !this.convos.has(convoId)) {
      this.convos.add(convoId);
      const res = await chatRead(this.x, 'chat.bsky.convo.getConvo', { params: { convoId }, what: 'read a direct message conversation' }, ['InvalidConvo']);
      if (res.status === 200) this.add(res.json<{ convo: ConvoView }>().convo.members);
    }
    return this.byDid.get(did);
  }
}

function toInteraction(convoId: string, m: MessageView & { text: string; sender: { did: string } }, sender: ChatProfile | undefined, appUrl: string): Interaction {
  return {
    remoteId: dmRemoteId(convoId, m.id),
    kind: 'dm',
    author: { remoteId: m.sender.did, handle: sender?.handle ?? m.sender.did, displayName: sender?.displayName || null, avatarUrl: sender?.avatar ?? null },
    text: m.text,
    createdAt: new Date(m.sentAt),
    inReplyTo: null,
    root: null,
    url: `${appUrl}/messages/${encodeURIComponent(convoId)}`,
    raw: { conversationId: convoId, messageId: m.id, rev: m.rev },
  };
}

/** Conversations with a message since `since` (listConvos pages by latest activity, newest first). */
async function convosSince(x: BlueskyXrpc, since: string, profiles: Profiles): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < CONVO_PAGES; page++) {
    const res = await chatRead(x, 'chat.bsky.convo.listConvos', { params: { limit: 100, cursor }, what: 'list direct message conversations' });
    const body = res.json<{ convos: ConvoView[]; cursor?: string }>();
    let recent = 0;
    for (const convo of body.convos) {
      profiles.addConvo(convo);
      if (convo.lastMessage !== undefined && convo.lastMessage.sentAt >= since) {
        out.push(convo.id);
        recent += 1;
      }
    }
    if (recent === 0 || !body.cursor || body.convos.length === 0) break;
    cursor = body.cursor;
  }
  return out;
}

/** Messages of one conversation since `since`, from others, oldest first. A conversation we left is skipped. */
async function backfillConvo(x: BlueskyXrpc, convoId: string, since: string, profiles: Profiles, appUrl: string): Promise<Interaction[]> {
  const found: Array<MessageView & { text: string; sender: { did: string } }> = [];
  let cursor: string | undefined;
  for (let page = 0; page < MESSAGE_PAGES; page++) {
    const res = await chatRead(x, 'chat.bsky.convo.getMessages', { params: { convoId, limit: 100, cursor }, what: 'read direct messages' }, ['InvalidConvo']);
    if (res.status !== 200) return [];
    const body = res.json<{ messages: MessageView[]; cursor?: string }>();
    // Newest first: stop at the first page that reaches back past `since`.
    for (const m of body.messages) if (m.sentAt >= since && isUserMessage(m) && m.sender.did !== x.did) found.push(m);
    if (!body.cursor || body.messages.length === 0 || body.messages.some((m) => m.sentAt < since)) break;
    cursor = body.cursor;
  }
  const out: Interaction[] = [];
  for (const m of found.reverse()) out.push(toInteraction(convoId, m, await profiles.of(convoId, m.sender.did), appUrl));
  return out;
}

/**
 * DMs newer than `cursor` (null: start, backfilling from `since`), at most about `limit` of them (a
 * backfilled conversation is read whole, so a page can exceed `limit` by one conversation), oldest first.
 * Our own messages are left out. Throws `ChatUnavailable` when chat cannot be read for this channel.
 */
export async function fetchDms(x: BlueskyXrpc, cursor: ChatCursor | null, opts: { limit: number; since: Date; appUrl: string }): Promise<DmPage> {
  const profiles = new Profiles(x);
  let rev: string;
  let fill: ChatCursor['fill'];
  // An empty log has no head to resume from ('' as the rev): until the account's first conversation,
  // every read starts over like the first one, so a conversation begun later is backfilled.
  if (cursor === null || (cursor.rev === '' && cursor.fill === undefined)) {
    // The head first, then the backfill: whatever arrives meanwhile is after the head, so in the log.
    const head = await chatRead(x, 'chat.bsky.convo.getLog', { what: 'read the direct messages log' });
    const body = head.json<{ cursor?: string; logs: LogEntry[] }>();
    rev = [body.cursor ?? '', ...body.logs.map((l) => l.rev)].reduce((a, b) => (b > a ? b : a), '');
    const since = opts.since.toISOString();
    fill = { since, convos: await convosSince(x, since, profiles) };
  } else {
    rev = cursor.rev;
    fill = cursor.fill === undefined ? undefined : { since: cursor.fill.since, convos: [...cursor.fill.convos] };
  }

  const items: Interaction[] = [];
  let hasMore = false;
  while (fill !== undefined && fill.convos.length > 0) {
    if (items.length >= opts.limit) {
      hasMore = true;
      break;
    }
    items.push(...(await backfillConvo(x, fill.convos[0]!, fill.since, profiles, opts.appUrl)));
    fill.convos.shift();
  }
  if (fill !== undefined && fill.convos.length === 0) fill = undefined;

  if (fill === undefined && !hasMore) {
    let page = 0;
    for (; page < LOG_PAGES && !hasMore; page++) {
      const res = await chatRead(x, 'chat.bsky.convo.getLog', { params: { cursor: rev === '' ? undefined : rev }, what: 'read the direct messages log' });
      const body = res.json<{ logs: LogEntry[]; cursor?: string }>();
      // The official client keeps only events after its cursor too: the service may repeat the last one.
      const logs = body.logs.filter((l) => typeof l.rev === 'string' && l.rev > rev).sort((a, b) => (a.rev < b.rev ? -1 : 1));
      if (logs.length === 0) break;
      for (const log of logs) {
        if (items.length >= opts.limit) {
          hasMore = true;
          break;
        }
        rev = log.rev;
        profiles.add(log.relatedProfiles);
        const m = log.message;
        if (log.$type !== CREATE_MESSAGE || log.convoId === undefined || !isUserMessage(m) || m.sender.did === x.did) continue;
        items.push(toInteraction(log.convoId, m, await profiles.of(log.convoId, m.sender.did), opts.appUrl));
      }
    }
    if (page === LOG_PAGES) hasMore = true;
  }
  items.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return { items, cursor: fill === undefined ? { rev } : { rev, fill }, hasMore };
}

/** A message as the chat service returned it after `sendMessage` (or found it when reconciling). */
export interface SentDm {
  convoId: string;
  messageId: string;
  sentAt: Date;
}

/**
 * Sends `text` to a conversation. No idempotency key exists: a timeout or 5xx is `OutcomeUnknown`
 * (HttpClient, `write: true`) and the caller reconciles with {@link findDm}.
 */
export async function sendDm(x: BlueskyXrpc, convoId: string, text: string, facets: unknown[]): Promise<SentDm> {
  const message: Record<string, unknown> = { text };
  if (facets.length > 0) message['facets'] = facets;
  const res = await x.call('chat.bsky.convo.sendMessage', {
    method: 'POST', proxy: CHAT_PROXY, json: { convoId, message }, write: true, what: 'send the direct message', allow: [400, 401, 403, 404, 501],
  });
  if (res.status === 200) {
    const m = res.json<MessageView>();
    return { convoId, messageId: m.id, sentAt: new Date(m.sentAt) };
  }
  if (isTokenMethodRefusal(res)) throw new Rejected(DM_ACCESS_MESSAGE, 'forbidden', { network: 'bluesky', status: res.status });
  const { error } = xrpcError(res);
  if (error === 'ConvoLocked') throw new Rejected('This Bluesky conversation is locked: no message can be sent to it', 'forbidden', { network: 'bluesky', status: res.status });
  if (error === 'InvalidConvo') throw new Rejected('This Bluesky conversation no longer exists, or the account left it', 'not_found', { network: 'bluesky', status: res.status });
  throw rejectedFrom(res, 'send the direct message');
}

const same = (a: string, b: string) => a.normalize('NFC').trim() === b.normalize('NFC').trim();

/**
 * Reconciliation: our oldest message in the conversation with this text sent since `since` (minus a
 * little clock skew), or null. Two identical texts sent by us in one conversation after `since` cannot
 * be told apart; the oldest is taken.
 */
export async function findDm(x: BlueskyXrpc, convoId: string, text: string, since: Date): Promise<SentDm | null> {
  const from = new Date(since.getTime() - CLOCK_SKEW_MS).toISOString();
  let found: MessageView | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < CONVO_PAGES; page++) {
    const res = await x.call('chat.bsky.convo.getMessages', {
      method: 'GET', proxy: CHAT_PROXY, params: { convoId, limit: 100, cursor }, what: 'read direct messages', allow: [400, 401, 403, 404, 501],
    });
    if (res.status !== 200) {
      if (isTokenMethodRefusal(res)) throw new Rejected(DM_ACCESS_MESSAGE, 'forbidden', { network: 'bluesky', status: res.status });
      if (xrpcError(res).error === 'InvalidConvo') return null;
      throw rejectedFrom(res, 'read direct messages');
    }
    const body = res.json<{ messages: MessageView[]; cursor?: string }>();
    // Newest first: the last match seen is the oldest.
    for (const m of body.messages) if (m.sentAt >= from && isUserMessage(m) && m.sender.did === x.did && same(m.text, text)) found = m;
    if (!body.cursor || body.messages.length === 0 || body.messages.some((m) => m.sentAt < from)) break;
    cursor = body.cursor;
  }
  return found === null ? null : { convoId, messageId: found.id, sentAt: new Date(found.sentAt) };
}
