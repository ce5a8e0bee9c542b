/**
 * The fake Mastodon instance's data (apps, OAuth codes, tokens, accounts, statuses, media, notifications,
 * blocks) and the entities as the API returns them; the route handlers of fake-mastodon.*.ts read and
 * write it through `FakeCall`. Internal to the fake: tests use `FakeMastodon`.
 */
import type http from 'node:http';
import type { FakeMastodon } from './fake-mastodon.ts';

export interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  avatar: string;
  url: string;
  followers_count: number;
}

export interface Status {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  text: string;
  spoiler_text: string;
  visibility: string;
  language: string | null;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  accountId: string;
  media_attachments: Array<{ id: string; type: string; description: string | null }>;
  favourites: Set<string>;
  reblogs: Set<string>;
  deleted: boolean;
}

interface Notification {
  id: string;
  type: string;
  created_at: string;
  forAccountId: string;
  fromAccountId: string;
  statusId: string | null;
}

/** What the instance holds, with ids that grow like Mastodon's snowflakes. */
export class FakeMastodonState {
  private nextId = 110_000_000_000_000_000n;
  readonly apps = new Map<string, { secret: string; redirectUris: string[]; scopes: string }>();
  readonly codes = new Map<string, { clientId: string; redirectUri: string; challenge: string | null; accountId: string }>();
  readonly tokens = new Map<string, { accountId: string; clientId: string | null; revoked: boolean }>();
  readonly accounts = new Map<string, Account>();
  readonly statuses = new Map<string, Status>();
  readonly media = new Map<string, { pollsLeft: number; description: string | null; accountId: string }>();
  readonly notifications: Notification[] = [];
  readonly idempotency = new Map<string, string>();
  readonly blocks = new Set<string>();
  /** Called with every new notification as the API would return it (the streaming server pushes it). */
  readonly notificationListeners = new Set<(forAccountId: string, notification: object) => void>();

  id(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  accountJson(a: Account) {
    return { id: a.id, username: a.username, acct: a.acct, display_name: a.display_name, avatar: a.avatar, url: a.url, followers_count: a.followers_count };
  }

  statusJson(s: Status) {
    const account = this.accounts.get(s.accountId);
    return {
      id: s.id,
      uri: s.uri,
      url: s.url,
      created_at: s.created_at,
      content: s.content,
      spoiler_text: s.spoiler_text,
      visibility: s.visibility,
      language: s.language,
      in_reply_to_id: s.in_reply_to_id,
      in_reply_to_account_id: s.in_reply_to_account_id,
      account: account ? this.accountJson(account) : null,
      media_attachments: s.media_attachments,
      replies_count: [...this.statuses.values()].filter((r) => r.in_reply_to_id === s.id && !r.deleted).length,
      reblogs_count: s.reblogs.size,
      favourites_count: s.favourites.size,
    };
  }

  notify(type: string, forAccountId: string, fromAccountId: string, statusId: string | null): void {
    if (forAccountId === fromAccountId) return;
    const notification: Notification = { id: this.id(), type, created_at: new Date().toISOString(), forAccountId, fromAccountId, statusId };
    this.notifications.push(notification);
    for (const listener of this.notificationListeners) listener(forAccountId, this.notificationJson(notification));
  }

  /** A notification as the Notification entity (docs.joinmastodon.org/entities/Notification). */
  notificationJson(n: Notification) {
    const from = this.accounts.get(n.fromAccountId);
    const status = n.statusId ? this.statuses.get(n.statusId) : undefined;
    return { id: n.id, type: n.type, created_at: n.created_at, account: from ? this.accountJson(from) : null, status: status ? this.statusJson(status) : null };
  }
}

/** One request being answered, as the route handlers see it; they return true when they answered it. */
export interface FakeCall {
  /** The public face: origin, options and knobs (`mediaProcessingPolls`, `authorizingAccountId`, …). */
  fake: FakeMastodon;
  state: FakeMastodonState;
  res: http.ServerResponse;
  method: string;
  url: URL;
  idempotencyKey: string | undefined;
  send: (status: number, body: unknown, headers?: Record<string, string>) => void;
  readBody: () => Promise<Record<string, unknown>>;
}

/** A request with a valid token: the account acting, and answers that carry the rate-limit headers. */
export interface AuthedCall extends FakeCall {
  me: Account;
  rl: Record<string, string>;
  ok: (body: unknown, status?: number, headers?: Record<string, string>) => true;
  notFound: () => true;
}
