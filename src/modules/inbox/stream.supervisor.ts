import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Connector, NetworkId, NetworkStreamContext, StreamSink } from '../../connectors/connector.ts';
import { getConnector, isNetworkId } from '../../connectors/registry.ts';
import { channels, inboxChannelState } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { openChannel, recordFailure, type ChannelRow } from '../channels/index.ts';
import { pollChannelJob } from './inbox.jobs.ts';
import { ingestInteractions } from './ingest.service.ts';

/**
 * The stream supervisor (docs/inbox.md "Streams"): real-time delivery on top of polling, which stays
 * the source of truth.
 *
 * - Exactly one process holds the streams: a session advisory lock taken on a dedicated connection
 *   (outside the pool). The other workers stand by and retry; when the holder dies its connection
 *   closes, PostgreSQL releases the lock, and a standby takes over within `standbyMs`.
 * - The holder re-reads the channels every `reconcileMs` and keeps one stream per connected channel
 *   of an `account`-stream network (Mastodon), and one shared stream per `network`-stream network
 *   (Bluesky Jetstream) covering every connected channel of it. A channel that needs reconnecting, is
 *   rate-limited or was disconnected loses its stream; a changed credential restarts it.
 * - Every (re)connect queues a poll of the channel (the "check now" job): what happened while the
 *   stream was down is read from the network with the cursor. Ingest is idempotent on
 *   (channel, remote id), so an item seen by both the stream and a poll is stored once.
 * - Account streams deliver full items, ingested at once with `ingestInteractions`. Network streams
 *   only say "something concerns this account": its channels are polled a moment later.
 * - The state of each channel's stream is written to `inbox_channel_state` (connected since, last
 *   event, last error) and `stream_seen_at` is refreshed while it is open, so a holder that died
 *   without cleaning up stops counting as live after `STREAM_SEEN_TTL_MS`.
 */

/** First key of the stream lock ("ST"); the second is 1. */
const STREAM_LOCK_SPACE = 0x5354;

export type StreamSupervisorOptions = {
  /** How often the holder re-reads the channels (connects, disconnects, health changes). */
  reconcileMs: number;
  /** How often a standby tries to take the lock. */
  standbyMs: number;
  /** How often the holder refreshes `stream_seen_at` of the channels it streams. */
  seenEveryMs: number;
  /** Wait before restarting a stream that ended with an error other than AuthExpired. */
  restartDelayMs: number;
  /** Delay of the poll a network stream's activity triggers: the network's API indexes the post meanwhile, and a burst becomes one poll. */
  activityPollDelayMs: number;
  /** The connector of a network (tests pass connectors with short reconnect delays). */
  connector: (network: NetworkId) => Connector<unknown>;
};

export const DEFAULT_STREAM_OPTIONS: StreamSupervisorOptions = {
  reconcileMs: 5_000, standbyMs: 5_000, seenEveryMs: 30_000, restartDelayMs: 60_000, activityPollDelayMs: 2_000, connector: getConnector,
};

/** A stream counts as live while its holder refreshed it within this window. */
export const STREAM_SEEN_TTL_MS = 90_000;

type StatePatch = Partial<Pick<typeof inboxChannelState.$inferInsert, 'streamConnectedSince' | 'streamLastEventAt' | 'streamLastError' | 'streamSeenAt'>>;
type Running = { ac: AbortController; done: Promise<void> };
type AccountStream = Running & { row: ChannelRow };
type NetworkStream = Running & { open: boolean; rows: Map<string, ChannelRow>; byAccount: Map<string, string[]> };

export class StreamSupervisor {
  readonly deps: Deps;
  readonly opts: StreamSupervisorOptions;
  #lock: pg.Client | null = null;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  readonly #accounts = new Map<string, AccountStream>();
  readonly #networks = new Map<NetworkId, NetworkStream>();
  /** Channel ids (or `network:<id>`) whose stream may not restart before the time (ms). */
  readonly #cooldown = new Map<string, number>();
  /** Channels whose stream is open now (their `stream_seen_at` is refreshed). */
  readonly #live = new Set<string>();
  /** `open:<id>` / `activity:<id>`: a poll a stream queued that has not started yet (coalesces bursts). */
  readonly #polling = new Set<string>();
  /** Per channel, the state writes in order (an open must not land after the drop that followed it). */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(deps: Deps, opts: Partial<StreamSupervisorOptions> = {}) {
    this.deps = deps;
    this.opts = { ...DEFAULT_STREAM_OPTIONS, ...opts };
  }

  /** True while this process holds the streams. */
  get holding(): boolean {
    return this.#lock !== null;
  }

  /** Ids of the channels with an open stream in this process. */
  get live(): string[] {
    return [...this.#live];
  }

  /** Starts trying to take the lock; returns at once (a standby keeps trying in the background). */
  async start(): Promise<void> {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Closes every stream, records them as down, and releases the lock for another process. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await this.#stopAll();
    await this.#release();
  }

  async #run(): Promise<void> {
    let seenAt = 0;
    while (this.#running) {
      try {
        if (!this.#lock) await this.#tryAcquire();
        if (this.#lock) {
          await this.reconcile();
          if (Date.now() - seenAt >= this.opts.seenEveryMs) {
            await this.#touchSeen();
            seenAt = Date.now();
          }
        }
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'stream supervisor: round failed');
      }
      if (!this.#running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#lock ? this.opts.reconcileMs : this.opts.standbyMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  async #tryAcquire(): Promise<void> {
    const pool = (this.deps.db as unknown as { $client: pg.Pool }).$client;
    const client = new pg.Client({ ...pool.options, application_name: 'passerelle-streams' });
    client.on('error', () => void this.#lost(client));
    await client.connect();
    // Like the scheduler's liveness lock: the socket must not keep a stopping process alive.
    (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, 1) AS ok', [STREAM_LOCK_SPACE]);
    if (!rows[0]?.ok) {
      await client.end().catch(() => {});
      return;
    }
    client.on('end', () => void this.#lost(client));
    this.#lock = client;
    this.deps.log.info('stream supervisor: holding the streams');
    // Nobody else streams now: "connected" states left by a previous holder are stale.
    await this.deps.db.update(inboxChannelState).set({ streamConnectedSince: null }).where(sql`${inboxChannelState.streamConnectedSince} IS NOT NULL`);
  }

  /** The lock's connection closed (database restart, network): another process may take over, so stop at once. */
  async #lost(client: pg.Client): Promise<void> {
    if (this.#lock !== client) return;
    this.#lock = null;
    this.deps.log.warn('stream supervisor: lost the lock; closing streams');
    await this.#stopAll();
    this.#wake?.();
  }

  async #release(): Promise<void> {
    const client = this.#lock;
    this.#lock = null;
    // Ending the session releases the advisory lock.
    await client?.end().catch(() => {});
  }

  /** One round: start and stop streams so that they match the channels as stored now. */
  async reconcile(): Promise<void> {
    const rows = await this.deps.db.select().from(channels).where(eq(channels.health, 'connected'));
    const now = this.deps.clock();
    const wantAccounts = new Map<string, ChannelRow>();
    const wantNetworks = new Map<NetworkId, ChannelRow[]>();
    for (const row of rows) {
      if (!isNetworkId(row.network) || (row.rateLimitedUntil && row.rateLimitedUntil > now)) continue;
      const connector = this.opts.connector(row.network);
      const mode = connector.capabilities.stream;
      if (mode === 'account' && connector.stream) wantAccounts.set(row.id, row);
      else if (mode === 'network' && connector.streamNetwork && this.#networkUrl(row.network) !== null) {
        wantNetworks.set(row.network, [...(wantNetworks.get(row.network) ?? []), row]);
      }
    }
    if (!this.#lock) return;

    for (const [id, stream] of this.#accounts) {
      const want = wantAccounts.get(id);
      // A new credential (the channel was reconnected) means a new connection.
      if (!want || want.credentialsSealed !== stream.row.credentialsSealed) await this.#stopAccount(id);
    }
    for (const row of wantAccounts.values()) {
      if (!this.#accounts.has(row.id) && !this.#cooling(row.id)) this.#startAccount(row);
    }

    for (const network of new Set([...wantNetworks.keys(), ...this.#networks.keys()])) {
      const want = wantNetworks.get(network) ?? [];
      const stream = this.#networks.get(network);
      if (want.length === 0) {
        if (stream) await this.#stopNetwork(network);
      } else if (!stream) {
        if (!this.#cooling(`network:${network}`)) this.#startNetwork(network, want);
      } else {
        this.#updateNetwork(stream, want);
      }
    }
  }

  #networkUrl(network: NetworkId): string | null {
    return (this.deps.config.networkStreams as Partial<Record<string, string | null>>)[network] ?? null;
  }

  #cooling(key: string): boolean {
    const until = this.#cooldown.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#cooldown.delete(key);
    return false;
  }

  #startAccount(row: ChannelRow): void {
    const { connector, ctx } = openChannel(this.deps, row);
    const ac = new AbortController();
    const sink: StreamSink = {
      onOpen: () => {
        this.#opened(row);
        this.#queuePoll(row.id, 0);
      },
      onInteractions: async (items) => {
        await ingestInteractions(this.deps, row, items);
        this.#state(row, { streamLastEventAt: this.deps.clock() });
      },
      onDrop: (err) => this.#dropped(row, err.message),
    };
    const done = connector.stream!(ctx, sink, ac.signal).catch(async (err: unknown) => {
      // AuthExpired → "reconnect needed" (and the reconcile leaves it alone); RateLimited → limited until…
      this.deps.log.warn({ channelId: row.id, err: (err as Error).message }, 'stream ended');
      this.#cooldown.set(row.id, Date.now() + this.opts.restartDelayMs);
      await recordFailure(this.deps, row, err).catch(() => {});
      this.#dropped(row, (err as Error).message);
    }).finally(() => {
      if (this.#accounts.get(row.id)?.ac === ac) this.#accounts.delete(row.id);
    });
    this.#accounts.set(row.id, { ac, done, row });
  }

  #stopAccount(id: string): Promise<void> {
    return this.#stop(this.#accounts, id, (s) => [s.row]);
  }

  /** Removes a stream, aborts it, waits until it has ended, and records its channels as down. */
  async #stop<K, S extends Running>(map: Map<K, S>, key: K, rowsOf: (stream: S) => Iterable<ChannelRow>): Promise<void> {
    const stream = map.get(key);
    if (!stream) return;
    map.delete(key);
    stream.ac.abort();
    await stream.done;
    for (const row of rowsOf(stream)) this.#closed(row);
  }

  #startNetwork(network: NetworkId, rows: ChannelRow[]): void {
    const connector = this.opts.connector(network);
    const ac = new AbortController();
    const stream: NetworkStream = { ac, done: Promise.resolve(), open: false, rows: new Map(), byAccount: new Map() };
    this.#updateNetwork(stream, rows);
    let accounts: ReadonlySet<string> = new Set();
    let accountsOf: Map<string, string[]> | null = null;
    const ctx: NetworkStreamContext = {
      now: this.deps.clock,
      log: this.deps.log.child({ component: 'stream', network }),
      url: this.#networkUrl(network)!,
      accounts: () => {
        // Rebuilt only when the reconcile replaced the map.
        if (accountsOf !== stream.byAccount) {
          accountsOf = stream.byAccount;
          accounts = new Set(accountsOf.keys());
        }
        return accounts;
      },
    };
    stream.done = connector.streamNetwork!(ctx, {
      onOpen: () => {
        stream.open = true;
        for (const row of stream.rows.values()) {
          this.#opened(row);
          this.#queuePoll(row.id, 0);
        }
      },
      onActivity: (activity) => {
        for (const id of stream.byAccount.get(activity.accountRemoteId) ?? []) {
          const row = stream.rows.get(id);
          if (!row) continue;
          this.#state(row, { streamLastEventAt: this.deps.clock() });
          this.#queuePoll(id, this.opts.activityPollDelayMs);
        }
      },
      onDrop: (err) => {
        stream.open = false;
        for (const row of stream.rows.values()) this.#dropped(row, err.message);
      },
    }, ac.signal).catch((err: unknown) => {
      this.deps.log.warn({ network, err: (err as Error).message }, 'network stream ended');
      this.#cooldown.set(`network:${network}`, Date.now() + this.opts.restartDelayMs);
      stream.open = false;
      for (const row of stream.rows.values()) this.#dropped(row, (err as Error).message);
    }).finally(() => {
      if (this.#networks.get(network) === stream) this.#networks.delete(network);
    });
    this.#networks.set(network, stream);
  }

  /** New set of channels for a running network stream: the added ones are live at once (and polled), the removed ones are not. */
  #updateNetwork(stream: NetworkStream, rows: ChannelRow[]): void {
    const next = new Map(rows.map((r) => [r.id, r]));
    for (const [id, row] of stream.rows) if (!next.has(id)) this.#closed(row);
    if (stream.open) {
      for (const [id, row] of next) {
        if (stream.rows.has(id)) continue;
        this.#opened(row);
        this.#queuePoll(id, 0);
      }
    }
    const byAccount = new Map<string, string[]>();
    for (const row of rows) byAccount.set(row.remoteId, [...(byAccount.get(row.remoteId) ?? []), row.id]);
    stream.rows = next;
    // A new map: `accounts()` rebuilds its set from it on the next event.
    stream.byAccount = byAccount;
  }

  #stopNetwork(network: NetworkId): Promise<void> {
    return this.#stop(this.#networks, network, (s) => s.rows.values());
  }

  async #stopAll(): Promise<void> {
    await Promise.all([...this.#accounts.keys()].map((id) => this.#stopAccount(id)));
    await Promise.all([...this.#networks.keys()].map((n) => this.#stopNetwork(n)));
    await Promise.all(this.#writes.values());
  }

  #opened(row: ChannelRow): void {
    const now = this.deps.clock();
    this.#live.add(row.id);
    this.#state(row, { streamConnectedSince: now, streamLastError: null, streamSeenAt: now }, true);
  }

  #dropped(row: ChannelRow, error: string): void {
    this.#live.delete(row.id);
    this.#state(row, { streamConnectedSince: null, streamLastError: error.slice(0, 500) }, true);
  }

  /** Stopped on purpose (disconnected, unhealthy, shutdown): down, without an error. */
  #closed(row: ChannelRow): void {
    if (!this.#live.delete(row.id)) return;
    this.#state(row, { streamConnectedSince: null }, true);
  }

  /** Writes stream state in order per channel; `announce` tells open inbox pages (live ↔ polling). */
  #state(row: ChannelRow, patch: StatePatch, announce = false): void {
    const previous = this.#writes.get(row.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      await this.deps.db.insert(inboxChannelState).values({ channelId: row.id, workspaceId: row.workspaceId, ...patch })
        .onConflictDoUpdate({ target: inboxChannelState.channelId, set: patch });
      if (announce) {
        await this.deps.realtime.publish(this.deps.db, { workspaceId: row.workspaceId, type: 'inbox.channels.changed', payload: { ids: [row.id] }, permission: 'inbox.read' });
      }
    }).catch((err: unknown) => {
      // The channel may just have been deleted (foreign key): nothing to record then.
      this.deps.log.warn({ channelId: row.id, err: (err as Error).message }, 'stream state not recorded');
    });
    this.#writes.set(row.id, next);
    void next.finally(() => {
      if (this.#writes.get(row.id) === next) this.#writes.delete(row.id);
    });
  }

  async #touchSeen(): Promise<void> {
    const ids = [...this.#live];
    if (ids.length === 0) return;
    await this.deps.db.update(inboxChannelState).set({ streamSeenAt: this.deps.clock() })
      .where(sql`${inboxChannelState.channelId} = ANY(${sql.param(ids)}::uuid[]) AND ${inboxChannelState.streamConnectedSince} IS NOT NULL`);
  }

  /**
   * Queues the "check now" poll of a channel. On (re)connect: at once, once per second at most (a
   * flapping connection does not flood the queue). On activity: `delayMs` later, and activity within
   * that delay joins the poll already waiting (it has not run yet, so it will see it).
   */
  #queuePoll(channelId: string, delayMs: number): void {
    const key = `${delayMs > 0 ? 'activity' : 'open'}:${channelId}`;
    if (this.#polling.has(key)) return;
    this.#polling.add(key);
    setTimeout(() => this.#polling.delete(key), delayMs > 0 ? delayMs : 1_000).unref();
    // Coalescing is the #polling set above (a standard queue does not deduplicate by key alone).
    const opts = delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {};
    this.deps.jobs.send(pollChannelJob, { channelId, again: true }, opts).catch((err: unknown) => {
      this.deps.log.warn({ channelId, err: (err as Error).message }, 'stream: could not queue a poll');
    });
  }
}
