import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { DbOrTx } from './db.ts';
import type { Logger } from './logger.ts';
import { can, type Permission, type Role } from './policy.ts';

/**
 * Realtime events: services NOTIFY inside their transaction (delivered only on commit); every web
 * process LISTENs on one connection and relays to its Server-Sent-Event subscribers, filtered by
 * workspace, recipient and permission. No broker beyond PostgreSQL.
 */
export type RealtimeEvent = {
  workspaceId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Only this user receives it (e.g. their notification). */
  userId?: string;
  /** Only members whose role(s) hold this permission receive it. */
  permission?: Permission;
};

export type Subscriber = { workspaceId: string; userId: string; roles: Role[]; send(event: { type: string; payload: unknown }): void };

const CHANNEL = 'passerelle_events';
/** NOTIFY payloads are capped at 8000 bytes by PostgreSQL; events carry ids, clients fetch details. */
const MAX_PAYLOAD = 7900;

export class Realtime {
  readonly #subscribers = new Set<Subscriber>();
  #client: pg.Client | null = null;
  #closed = false;
  readonly #url: string;
  readonly #log: Logger;

  constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  /** Queues an event on `db`'s transaction (or at once outside one). */
  async publish(db: DbOrTx, event: RealtimeEvent): Promise<void> {
    const text = JSON.stringify(event);
    if (Buffer.byteLength(text) > MAX_PAYLOAD) throw new Error(`Realtime event ${event.type} too large; send ids only.`);
    await db.execute(sql`SELECT pg_notify(${CHANNEL}, ${text})`);
  }

  /** Starts listening (web processes only). Reconnects after a lost connection. */
  async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, application_name: 'passerelle-realtime' });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        this.dispatch(JSON.parse(msg.payload) as RealtimeEvent);
      } catch (err) {
        this.#log.warn({ err }, 'bad realtime payload');
      }
    });
    client.on('error', (err) => {
      this.#log.warn({ err: err.message }, 'realtime connection lost; reconnecting');
      this.#client = null;
      if (!this.#closed) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#client = client;
  }

  /** Delivers an event to the subscribers entitled to it. */
  dispatch(event: RealtimeEvent): void {
    for (const sub of this.#subscribers) {
      if (sub.workspaceId !== event.workspaceId) continue;
      if (event.userId && event.userId !== sub.userId) continue;
      if (event.permission && !sub.roles.every((r) => can(r, event.permission!))) continue;
      sub.send({ type: event.type, payload: event.payload });
    }
  }

  subscribe(sub: Subscriber): () => void {
    this.#subscribers.add(sub);
    return () => this.#subscribers.delete(sub);
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }
}
