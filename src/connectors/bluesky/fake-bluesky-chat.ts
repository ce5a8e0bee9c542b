/**
 * A local HTTP server that answers like a PDS forwarding `chat.bsky.convo.*` to Bluesky's chat service
 * (lexicons in bluesky-social/atproto `lexicons/chat/bsky/convo/`), for the DM contract tests: the
 * reference dev-env has no chat service. It also answers `app.bsky.notification.listNotifications`, so
 * the connector's combined cursor can be exercised end to end, and `com.atproto.server.createSession` and
 * `app.bsky.actor.getProfile`, so an account can be connected from the app (browser tests) with an app
 * password made by `appPassword()`, with or without DM access, like Bluesky's Settings → App passwords.
 *
 * What it checks, like the PDS: `Authorization: Bearer <accessJwt>` of a known account (else 401
 * `AuthenticationRequired`); a session whose scope is `com.atproto.appPass` calling chat gets 400
 * `InvalidToken` "Bad token method" (pipethrough.ts, PRIVILEGED_METHODS); a chat call without
 * `atproto-proxy: did:web:api.bsky.chat#bsky_chat` gets 400 "No service configured for …" (a PDS with
 * no default chat service). Knobs provoke the documented failures: 429 with `ratelimit-*` headers, an
 * unreachable chat service (502 `UpstreamFailure`), slow answers (the work is still done).
 *
 * It is not the chat service: only the shapes and behaviours the connector relies on are reproduced.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PROXY = 'did:web:api.bsky.chat#bsky_chat';
const S32 = '234567abcdefghijklmnopqrstuvwxyz';

export interface FakeChatAccount {
  did: string;
  handle: string;
  displayName: string;
  /** A JWT-shaped access token (unsigned) with `scope`, `sub`, and an expiry years ahead. */
  accessJwt: string;
  refreshJwt: string;
}

interface Message {
  id: string;
  rev: string;
  convoId: string;
  senderDid: string;
  text: string;
  sentAt: string;
  deleted: boolean;
}

interface LogEvent {
  $type: string;
  rev: string;
  convoId: string;
  messageId?: string;
}

interface Notification {
  uri: string;
  forDid: string;
  authorDid: string;
  reason: string;
  text: string;
  indexedAt: string;
}

export interface FakeChatRequest {
  nsid: string;
  method: string;
  proxy: string | undefined;
  authorized: boolean;
}

/** The JWT scope of an app password with (`appPassPrivileged`) or without (`appPass`) DM access. */
function scopeOf(dmAccess: boolean | undefined): string {
  return dmAccess === false ? 'com.atproto.appPass' : 'com.atproto.appPassPrivileged';
}

function jwt(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'at+jwt', alg: 'HS256' })}.${part(payload)}.${Buffer.from('fake-signature').toString('base64url')}`;
}

/** The fake PDS + chat service. `start()` listens on 127.0.0.1 on a free port; `url` is its origin. */
export class FakeBlueskyChat {
  url = '';
  readonly requests: FakeChatRequest[] = [];
  /** Time of new messages, notifications and log events (settable to a test clock). */
  clock: () => Date = () => new Date();
  /** Events per `getLog` page (the service's own page size is not documented; small to exercise paging). */
  logPageSize = 50;
  /** Leave `relatedProfiles` out of `logCreateMessage` (it is optional in the lexicon): senders come from getConvo. */
  omitRelatedProfiles = false;
  /** Every chat call answers 429 with ratelimit headers resetting at this time. */
  chatRateLimitedUntil: Date | null = null;
  /** Every chat call answers 502 UpstreamFailure (the PDS cannot reach the chat service). */
  chatDown = false;
  /** Every chat call answers as for an app password without DM access, whatever the token's scope (a PDS whose tokens carry no scope). */
  refuseChat = false;
  /** Requests to `nsid` wait `ms` before answering (the work is done first). */
  slow: { nsid: string; ms: number } | null = null;

  private server: http.Server | null = null;
  private revCounter = 0n;
  private idCounter = 0;
  private readonly accounts = new Map<string, FakeChatAccount>();
  /** Access token → the account and the scope of the app password it was made from. */
  private readonly tokens = new Map<string, { did: string; scope: string }>();
  /** App password → the account and its scope (`appPassword()`). */
  private readonly appPasswords = new Map<string, { did: string; scope: string }>();
  private sessionCounter = 0;
  private readonly convos = new Map<string, { id: string; members: string[]; rev: string }>();
  private readonly messages: Message[] = [];
  private readonly log: LogEvent[] = [];
  private readonly notifications: Notification[] = [];

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'InternalServerError', message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * An account. `dmAccess: false` is an app password created without "Allow access to your direct
   * messages" (JWT scope `com.atproto.appPass`); true is `com.atproto.appPassPrivileged`.
   */
  createAccount(handle: string, displayName: string, opts: { dmAccess?: boolean } = {}): FakeChatAccount {
    const did = `did:plc:${createHash('sha256').update(handle).digest('hex').slice(0, 24)}`;
    const account = { did, handle, displayName, ...this.session(did, handle, scopeOf(opts.dmAccess)) };
    this.accounts.set(did, account);
    return { ...account };
  }

  /**
   * A new app password of `account` (xxxx-xxxx-xxxx-xxxx), with DM access unless `dmAccess: false`;
   * `createSession` with it answers tokens of that scope.
   */
  appPassword(account: FakeChatAccount, opts: { dmAccess?: boolean } = {}): string {
    const hex = createHash('sha256').update(`${account.did}:${this.appPasswords.size}`).digest('hex');
    const password = [0, 4, 8, 12].map((i) => hex.slice(i, i + 4)).join('-');
    this.appPasswords.set(password, { did: account.did, scope: scopeOf(opts.dmAccess) });
    return password;
  }

  /** Tokens of a new session of `did` with `scope`, known to the server from now on. */
  private session(did: string, handle: string, scope: string): { accessJwt: string; refreshJwt: string } {
    // Far ahead: tests run the connector on a settable clock, and a session near its expiry would be refreshed.
    const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
    const jti = `${handle}#${++this.sessionCounter}`;
    const accessJwt = jwt({ scope, sub: did, aud: 'did:web:fake.pds', exp, iat: exp - 7200, jti });
    const refreshJwt = jwt({ scope: 'com.atproto.refresh', sub: did, aud: 'did:web:fake.pds', exp, jti });
    this.tokens.set(accessJwt, { did, scope });
    return { accessJwt, refreshJwt };
  }

  /** A direct conversation between two accounts (`logBeginConvo` for both). */
  createConvo(a: FakeChatAccount, b: FakeChatAccount): string {
    const id = this.nextId('convo');
    const rev = this.nextRev();
    this.convos.set(id, { id, members: [a.did, b.did], rev });
    this.log.push({ $type: 'chat.bsky.convo.defs#logBeginConvo', rev, convoId: id });
    return id;
  }

  /** `from` writes `text` in the conversation (as the chat service would record a sendMessage). */
  send(from: FakeChatAccount, convoId: string, text: string, at?: Date): Message {
    const convo = this.convos.get(convoId);
    if (!convo || !convo.members.includes(from.did)) throw new Error('not a member of this conversation');
    return this.record(convo.id, from.did, text, at);
  }

  /** The sender deletes a message (`logDeleteMessage`). */
  deleteMessage(messageId: string): void {
    const m = this.messages.find((x) => x.id === messageId);
    if (!m) throw new Error('no such message');
    m.deleted = true;
    this.log.push({ $type: 'chat.bsky.convo.defs#logDeleteMessage', rev: this.nextRev(), convoId: m.convoId, messageId: m.id });
  }

  /** A notification for `to` (a mention by `from`), indexed now. */
  notify(to: FakeChatAccount, from: FakeChatAccount, text: string): string {
    const uri = `at://${from.did}/app.bsky.feed.post/${this.nextRev()}`;
    this.notifications.push({ uri, forDid: to.did, authorDid: from.did, reason: 'mention', text, indexedAt: this.clock().toISOString() });
    return uri;
  }

  /** Messages of a conversation as stored (for assertions). */
  messagesOf(convoId: string): Message[] {
    return this.messages.filter((m) => m.convoId === convoId);
  }

  count(nsid: string): number {
    return this.requests.filter((r) => r.nsid === nsid).length;
  }

  private nextRev(): string {
    // TID-shaped (13 base32-sortable characters) and strictly increasing, like the service's revs.
    let n = (BigInt(Date.UTC(2026, 0, 1)) * 1000n + ++this.revCounter) << 10n;
    let out = '';
    for (let i = 0; i < 13; i++) {
      out = S32.charAt(Number(n & 31n)) + out;
      n >>= 5n;
    }
    return out;
  }

  private nextId(kind: string): string {
    return `${kind}${(++this.idCounter).toString(36).padStart(6, '0')}`;
  }

  private record(convoId: string, senderDid: string, text: string, at?: Date): Message {
    const m: Message = { id: this.nextId('msg'), rev: this.nextRev(), convoId, senderDid, text, sentAt: (at ?? this.clock()).toISOString(), deleted: false };
    this.messages.push(m);
    this.convos.get(convoId)!.rev = m.rev;
    this.log.push({ $type: 'chat.bsky.convo.defs#logCreateMessage', rev: m.rev, convoId, messageId: m.id });
    return m;
  }

  private profile(did: string) {
    const a = this.accounts.get(did);
    return { did, handle: a?.handle ?? 'handle.invalid', displayName: a?.displayName ?? '', avatar: `https://cdn.example/${did}.jpg`, associated: {}, viewer: {}, labels: [] };
  }

  private messageView(m: Message) {
    if (m.deleted) return { $type: 'chat.bsky.convo.defs#deletedMessageView', id: m.id, rev: m.rev, sender: { did: m.senderDid }, sentAt: m.sentAt };
    return { $type: 'chat.bsky.convo.defs#messageView', id: m.id, rev: m.rev, text: m.text, sender: { did: m.senderDid }, sentAt: m.sentAt };
  }

  private convoView(id: string) {
    const c = this.convos.get(id)!;
    const last = this.messagesOf(id).at(-1);
    return {
      id, rev: c.rev, members: c.members.map((d) => this.profile(d)), muted: false, unreadCount: 0, status: 'accepted',
      ...(last ? { lastMessage: this.messageView(last) } : {}),
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const nsid = url.pathname.replace(/^\/xrpc\//, '');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const session = token === undefined ? undefined : this.tokens.get(token);
    const viewer = session?.did;
    const proxy = typeof req.headers['atproto-proxy'] === 'string' ? req.headers['atproto-proxy'] : undefined;
    this.requests.push({ nsid, method: req.method ?? 'GET', proxy, authorized: viewer !== undefined });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};

    const send = async (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (this.slow?.nsid === nsid) await new Promise((r) => setTimeout(r, this.slow?.ms));
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    };
    const error = (status: number, name: string, message: string) => send(status, { error: name, message });

    if (nsid === 'com.atproto.server.createSession') {
      // The PDS signs in with a handle (or DID) and an app password; wrong either way is 401 AuthenticationRequired.
      const known = this.appPasswords.get(String(body['password'] ?? ''));
      const identifier = String(body['identifier'] ?? '');
      const owner = known === undefined ? undefined : this.accounts.get(known.did);
      if (!known || !owner || (identifier !== owner.handle && identifier !== owner.did)) {
        return error(401, 'AuthenticationRequired', 'Invalid identifier or password');
      }
      return send(200, { did: owner.did, handle: owner.handle, active: true, ...this.session(owner.did, owner.handle, known.scope) });
    }
    if (viewer === undefined || session === undefined) return error(401, 'AuthenticationRequired', 'Authentication Required');

    if (nsid === 'app.bsky.notification.listNotifications') {
      const all = this.notifications.filter((n) => n.forDid === viewer).sort((a, b) => (a.indexedAt < b.indexedAt ? 1 : a.indexedAt > b.indexedAt ? -1 : a.uri < b.uri ? 1 : -1));
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const page = all.slice(offset, offset + limit);
      return send(200, {
        notifications: page.map((n) => ({
          uri: n.uri, cid: `cid-${n.uri.split('/').pop()}`, author: this.profile(n.authorDid), reason: n.reason, isRead: false, indexedAt: n.indexedAt,
          record: { $type: 'app.bsky.feed.post', text: n.text, createdAt: n.indexedAt },
        })),
        ...(offset + limit < all.length ? { cursor: String(offset + limit) } : {}),
      });
    }
    if (nsid === 'app.bsky.actor.getProfile') {
      const actor = url.searchParams.get('actor');
      const found = [...this.accounts.values()].find((a) => a.did === actor || a.handle === actor);
      return found ? send(200, this.profile(found.did)) : error(400, 'InvalidRequest', 'Profile not found');
    }
    if (nsid === 'com.atproto.identity.resolveHandle') {
      const handle = url.searchParams.get('handle');
      const found = [...this.accounts.values()].find((a) => a.handle === handle);
      return found ? send(200, { did: found.did }) : error(400, 'InvalidRequest', 'Unable to resolve handle');
    }
    if (!nsid.startsWith('chat.bsky.')) return error(501, 'MethodNotImplemented', 'Method Not Implemented');

    // What the PDS checks before forwarding, in its order.
    if (session.scope === 'com.atproto.appPass' || this.refuseChat) return error(400, 'InvalidToken', 'Bad token method');
    if (proxy === undefined) return error(400, 'InvalidRequest', `No service configured for ${nsid}`);
    if (proxy !== PROXY) return error(400, 'InvalidRequest', 'could not resolve proxy did');
    if (this.chatDown) return error(502, 'UpstreamFailure', 'Upstream Failure');
    if (this.chatRateLimitedUntil !== null) {
      const reset = String(Math.floor(this.chatRateLimitedUntil.getTime() / 1000));
      return send(429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': reset, 'ratelimit-policy': '3000;w=300' });
    }

    const member = (convoId: unknown) => {
      const c = typeof convoId === 'string' ? this.convos.get(convoId) : undefined;
      return c && c.members.includes(viewer) ? c : undefined;
    };
    switch (nsid) {
      case 'chat.bsky.convo.getLog': {
        const mine = this.log.filter((e) => member(e.convoId) !== undefined);
        const cursor = url.searchParams.get('cursor');
        const latest = mine.at(-1)?.rev;
        // Without a cursor the log gives its head (the official client only reads `cursor` from it).
        if (cursor === null) return send(200, { logs: [], ...(latest ? { cursor: latest } : {}) });
        const after = mine.filter((e) => e.rev > cursor).slice(0, this.logPageSize);
        return send(200, {
          cursor: after.at(-1)?.rev ?? cursor,
          logs: after.map((e) => {
            const m = e.messageId === undefined ? undefined : this.messages.find((x) => x.id === e.messageId);
            const event: Record<string, unknown> = { $type: e.$type, rev: e.rev, convoId: e.convoId };
            // The message as it is now: a deleted one is a deletedMessageView in every event.
            if (m) event['message'] = this.messageView(m);
            if (m && e.$type === 'chat.bsky.convo.defs#logCreateMessage' && !this.omitRelatedProfiles) event['relatedProfiles'] = [this.profile(m.senderDid)];
            return event;
          }),
        });
      }
      case 'chat.bsky.convo.listConvos': {
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const offset = Number(url.searchParams.get('cursor') ?? 0);
        const all = [...this.convos.values()].filter((c) => c.members.includes(viewer)).sort((a, b) => (a.rev < b.rev ? 1 : -1));
        const page = all.slice(offset, offset + limit);
        return send(200, { convos: page.map((c) => this.convoView(c.id)), ...(offset + limit < all.length ? { cursor: String(offset + limit) } : {}) });
      }
      case 'chat.bsky.convo.getConvo': {
        const c = member(url.searchParams.get('convoId'));
        return c ? send(200, { convo: this.convoView(c.id) }) : error(400, 'InvalidConvo', 'Convo not found');
      }
      case 'chat.bsky.convo.getMessages': {
        const c = member(url.searchParams.get('convoId'));
        if (!c) return error(400, 'InvalidConvo', 'Convo not found');
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const offset = Number(url.searchParams.get('cursor') ?? 0);
        const all = this.messagesOf(c.id).reverse();
        const page = all.slice(offset, offset + limit);
        return send(200, { messages: page.map((m) => this.messageView(m)), ...(offset + limit < all.length ? { cursor: String(offset + limit) } : {}) });
      }
      case 'chat.bsky.convo.sendMessage': {
        if (req.method !== 'POST') return error(400, 'InvalidRequest', 'Incorrect HTTP method (GET) expected POST');
        const c = member(body['convoId']);
        if (!c) return error(400, 'InvalidConvo', 'Convo not found');
        const text = (body['message'] as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.length === 0) return error(400, 'InvalidRequest', 'Input/message/text must be a string');
        if ([...new Intl.Segmenter().segment(text)].length > 1000) return error(400, 'InvalidRequest', 'Input/message/text must not be longer than 1000 graphemes');
        return send(200, this.messageView(this.record(c.id, viewer, text)));
      }
      default:
        return error(501, 'MethodNotImplemented', 'Method Not Implemented');
    }
  }
}
