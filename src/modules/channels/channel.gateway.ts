import { eq, sql } from 'drizzle-orm';
import type { Connector, ConnectorContext, NetworkId, RateLimitState } from '../../connectors/connector.ts';
import { AuthExpired, ConnectorError, OutcomeUnknown, RateLimited, Rejected, Transient } from '../../connectors/errors.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { createGuardedFetch, SsrfBlocked } from '../../platform/ssrf.ts';
import { notify } from '../workspaces/index.ts';

/**
 * The one way the rest of Passerelle talks to a network for a channel: it opens the channel's
 * connector with decrypted credentials and the hooks that persist what the connector learns
 * (renewed sessions, rate-limit headers), and records failures on the channel (reconnect needed,
 * rate-limited until…) so every worker and the UI see the same state.
 */
export type ChannelRow = typeof channels.$inferSelect;

/** The guarded fetch for user-supplied addresses (instances, PDSes); private ranges only when configured. */
export function guardedFetch(deps: Deps): typeof fetch {
  return createGuardedFetch({ allowPrivate: deps.config.allowPrivateNetwork });
}

/** A network-call context without credentials (connect flows). */
export function baseContext(deps: Deps) {
  return { fetch: guardedFetch(deps), now: deps.clock, log: deps.log.child({ component: 'connector' }), timeoutMs: 15_000 };
}

/** The connector of a channel and its context. */
export function openChannel(deps: Deps, row: ChannelRow): { connector: Connector<unknown>; ctx: ConnectorContext<unknown> } {
  const connector = getConnector(row.network as NetworkId);
  const aad = `channel:${row.id}`;
  const ctx: ConnectorContext<unknown> = {
    ...baseContext(deps),
    credentials: deps.box.open<unknown>(row.credentialsSealed, aad),
    rateLimitedUntil: row.rateLimitedUntil,
    async saveCredentials(next) {
      ctx.credentials = next;
      await deps.db.update(channels).set({ credentialsSealed: deps.box.seal(next, aad), updatedAt: deps.clock() }).where(eq(channels.id, row.id));
    },
    async onRateLimit(state: RateLimitState) {
      const patch: Partial<typeof channels.$inferInsert> = {
        rateLimit: { remaining: state.remaining, limit: state.limit, resetAt: state.resetAt.toISOString() },
      };
      // An exhausted window (remaining 0) is a limit too: the next call would only earn a 429.
      const limited = state.limited || state.remaining === 0;
      if (limited) {
        patch.rateLimitedUntil = state.resetAt;
        ctx.rateLimitedUntil = state.resetAt;
      }
      await deps.db.update(channels).set(patch).where(eq(channels.id, row.id));
      if (limited) {
        await deps.realtime.publish(deps.db, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id: row.id } });
      }
    },
    async setNotice(code, notice) {
      // Connectors report on every check: write (and tell open pages) only when it changes.
      const current = row.notices?.[code];
      if (notice === null ? current === undefined : current?.message === notice.message) return;
      const value = notice === null ? null : { message: notice.message, since: current?.since ?? deps.clock().toISOString() };
      const next = { ...row.notices };
      if (value === null) delete next[code];
      else next[code] = value;
      row.notices = next;
      // Per key in SQL, so two notices reported by concurrent calls do not overwrite each other.
      await deps.db.update(channels).set({
        notices: value === null ? sql`${channels.notices} - ${code}::text` : sql`${channels.notices} || jsonb_build_object(${code}::text, ${JSON.stringify(value)}::jsonb)`,
      }).where(eq(channels.id, row.id));
      await deps.realtime.publish(deps.db, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id: row.id } });
    },
  };
  return { connector, ctx };
}

/**
 * Records what a connector error means for the channel: `AuthExpired` → "reconnect needed" and an
 * in-app notification to those who manage channels (once, when it changes); `RateLimited` → limited
 * until its reset. Other errors leave the channel as it is.
 */
export async function recordFailure(deps: Deps, row: ChannelRow, err: unknown): Promise<void> {
  if (err instanceof AuthExpired) {
    const [updated] = await deps.db.update(channels).set({ health: 'reconnect_needed', lastError: err.message, updatedAt: deps.clock() })
      .where(eq(channels.id, row.id)).returning();
    if (row.health !== 'reconnect_needed' && updated) {
      await notify(deps, deps.db, row.workspaceId, { permission: 'channel.manage' }, {
        kind: 'channel.reconnect_needed',
        title: `Reconnect ${row.handle} (${row.network})`,
        body: err.message,
        link: `/w/${row.workspaceId}/settings/channels`,
      });
      await deps.realtime.publish(deps.db, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id: row.id } });
    }
  } else if (err instanceof RateLimited) {
    await deps.db.update(channels).set({ rateLimitedUntil: err.retryAt, updatedAt: deps.clock() }).where(eq(channels.id, row.id));
  }
}

/** Marks a channel healthy again after a successful call that followed a failure. */
export async function recordSuccess(deps: Deps, row: ChannelRow): Promise<void> {
  if (row.health !== 'connected' || row.lastError) {
    await deps.db.update(channels).set({ health: 'connected', lastError: null, updatedAt: deps.clock() }).where(eq(channels.id, row.id));
    // Open channel pages show "reconnect needed" until told otherwise.
    await deps.realtime.publish(deps.db, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id: row.id } });
  }
}

/** Runs `fn` with the channel's connector; records the outcome; turns connector errors into AppErrors. */
export async function callChannel<T>(deps: Deps, row: ChannelRow, fn: (connector: Connector<unknown>, ctx: ConnectorContext<unknown>) => Promise<T>): Promise<T> {
  if (row.health === 'reconnect_needed') throw new AppError('reconnect_needed', `${row.handle} must be reconnected before it can be used.`);
  const { connector, ctx } = openChannel(deps, row);
  try {
    const result = await fn(connector, ctx);
    await recordSuccess(deps, row);
    return result;
  } catch (err) {
    await recordFailure(deps, row, err);
    throw toAppError(err);
  }
}

/** Maps a connector (or SSRF) error to the API's error shape, keeping the network's reason. */
export function toAppError(err: unknown): unknown {
  if (err instanceof SsrfBlocked) return new AppError('validation_failed', err.message);
  if (!(err instanceof ConnectorError)) return err;
  if (err instanceof AuthExpired) return new AppError('reconnect_needed', err.message);
  if (err instanceof RateLimited) return new AppError('network_rate_limited', `The network asks us to wait until ${err.retryAt.toISOString()}.`);
  if (err instanceof OutcomeUnknown) return new AppError('outcome_unknown', err.message);
  if (err instanceof Transient) return new AppError('network_unavailable', err.message);
  if (err instanceof Rejected && err.rejectCode === 'api_not_approved') return new AppError('network_api_not_approved', err.reason);
  if (err instanceof Rejected) {
    // Input the user can correct (an address, a post over the limit) is a 400 naming the field;
    // a refusal by the network itself (wrong app password, duplicate…) is a 422 with the network's reason.
    const input = ['blocked_address', 'invalid_input', 'unreachable', 'not_an_instance', 'too_long', 'too_many_media', 'media_too_large', 'media_type_unsupported'];
    if (input.includes(err.rejectCode)) return new AppError('validation_failed', err.reason, err.issues[0]?.field);
    return new AppError('network_rejected', err.reason);
  }
  return new AppError('network_rejected', err.message);
}
