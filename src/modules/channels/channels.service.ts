import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Connected, NetworkId } from '../../connectors/connector.ts';
import {
  beginMastodonAuthorization, completeMastodonAuthorization, connectBluesky as blueskyConnect, normalizeInstanceUrl,
  normalizeServiceUrl, type MastodonApp, type MastodonPendingAuthorization,
} from '../../connectors/registry.ts';
import { channels, mastodonApps, oauthStates } from '../../db/schema/index.ts';
import { publicUrl } from '../../config/config.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import { memberScope } from '../../platform/auth.ts';
import { hashToken, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { Rejected } from '../../connectors/errors.ts';
import { SsrfBlocked } from '../../platform/ssrf.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { baseContext, callChannel, openChannel, toAppError, type ChannelRow } from './channel.gateway.ts';
import { presentChannel } from './channels.schema.ts';

/** Use cases of channels: list, connect (Bluesky app password, Mastodon OAuth), check, disconnect. */

const OAUTH_TTL_MS = 15 * 60_000;

export async function listChannels(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'channel.read');
  const rows = await ctx.db.select().from(channels).where(eq(channels.workspaceId, ws.id)).orderBy(channels.network, channels.handle);
  return rows.map((r) => presentChannel(r, ctx.clock()));
}

/** A channel of the current workspace (404 for any other workspace's). */
export async function getChannelRow(ctx: Ctx, id: string): Promise<ChannelRow> {
  const ws = scope(ctx);
  const [row] = await ctx.db.select().from(channels).where(and(eq(channels.id, id), eq(channels.workspaceId, ws.id)));
  if (!row) throw new AppError('not_found', 'Channel not found.');
  return row;
}

/**
 * Stores a freshly connected account: a new channel, or — when this workspace already has that
 * account — new credentials on the existing one (that is how "reconnect" works). Credentials are
 * sealed and bound to the row; they never appear in responses, logs or the audit log.
 */
export async function saveConnected(ctx: Ctx, network: NetworkId, connected: Connected<unknown>, serverUrl: string | null) {
  const ws = scope(ctx);
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(channels)
      .where(and(eq(channels.workspaceId, ws.id), eq(channels.network, network), eq(channels.remoteId, connected.account.remoteId))).for('update');
    const id = existing?.id ?? randomUUID();
    const values = {
      handle: connected.account.handle, displayName: connected.account.displayName, avatarUrl: connected.account.avatarUrl,
      profileUrl: connected.account.url, serverUrl, credentialsSealed: ctx.deps.box.seal(connected.credentials, `channel:${id}`),
      limits: connected.limits, health: 'connected', rateLimitedUntil: null, lastError: null, tokenExpiresAt: connected.tokenExpiresAt, updatedAt: now,
    };
    let row: ChannelRow;
    if (existing) {
      [row] = (await tx.update(channels).set(values).where(eq(channels.id, id)).returning()) as [ChannelRow];
    } else {
      [row] = (await tx.insert(channels).values({
        id, workspaceId: ws.id, network, remoteId: connected.account.remoteId, createdBy: actorUserId(ctx.actor), createdAt: now, ...values,
      }).returning()) as [ChannelRow];
    }
    const shown = { network, handle: row.handle, remoteId: row.remoteId, serverUrl };
    await audit(inTx(ctx, tx), { action: existing ? 'channel.reconnect' : 'channel.connect', targetType: 'channel', targetId: id, after: shown });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'channel.changed', payload: { id } });
    return row;
  });
}

/** Names the form field a connect error is about, so the UI can show it next to that input. */
function withField(err: unknown, field: string | undefined): unknown {
  if (err instanceof AppError && !err.field && field && (err.code === 'validation_failed' || err.code === 'network_rejected')) {
    return new AppError(err.code, err.message, field);
  }
  return err;
}

/** Which Bluesky form field an error is about: the server address, the app password or the handle. */
function blueskyField(err: unknown): string | undefined {
  if (err instanceof SsrfBlocked) return 'pdsUrl';
  if (!(err instanceof Rejected)) return undefined;
  if (['blocked_address', 'unreachable', 'not_an_instance'].includes(err.rejectCode)) return 'pdsUrl';
  if (err.rejectCode === 'invalid_credentials') return 'appPassword';
  if (err.rejectCode === 'invalid_input') return /app password/i.test(err.reason) ? 'appPassword' : 'handle';
  return undefined;
}

/** Connects a Bluesky account with its handle and an app password (never the account password). */
export async function connectBluesky(ctx: Ctx, input: { handle: string; appPassword: string; pdsUrl?: string | undefined }) {
  authorize(scope(ctx).roles, 'channel.manage');
  let connected: Connected<unknown>;
  let service: string;
  try {
    service = normalizeServiceUrl(input.pdsUrl);
    connected = await blueskyConnect(baseContext(ctx.deps), { identifier: input.handle, appPassword: input.appPassword, service });
  } catch (err) {
    throw withField(toAppError(err), blueskyField(err));
  }
  return presentChannel(await saveConnected(ctx, 'bluesky', connected, service), ctx.clock());
}

function mastodonRedirectUri(deps: Deps): string {
  return `${publicUrl(deps.config)}/api/oauth/mastodon/callback`;
}

/**
 * Step 1 of connecting Mastodon: checks the instance (through the SSRF guard), registers Passerelle
 * there once (kept for the next channel on that instance), and returns the instance's authorization URL.
 */
export async function beginMastodon(ctx: Ctx, input: { instanceUrl: string }): Promise<{ authorizeUrl: string }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'channel.manage');
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== 'user') throw new AppError('forbidden', 'Connect channels from a signed-in session.');
  const redirectUri = mastodonRedirectUri(ctx.deps);
  let instanceUrl: string;
  try {
    instanceUrl = normalizeInstanceUrl(input.instanceUrl);
  } catch (err) {
    throw withField(toAppError(err), 'instanceUrl');
  }
  const [known] = await ctx.db.select().from(mastodonApps).where(and(eq(mastodonApps.instanceUrl, instanceUrl), eq(mastodonApps.redirectUri, redirectUri)));
  const app: MastodonApp | undefined = known
    ? { instanceUrl, redirectUri, clientId: known.clientId, clientSecret: ctx.deps.box.decrypt(known.clientSecretSealed, `mastodon-app:${instanceUrl}`) }
    : undefined;
  const state = randomToken();
  let begun;
  try {
    begun = await beginMastodonAuthorization(baseContext(ctx.deps), { instanceUrl, redirectUri, state, ...(app ? { app } : {}), website: publicUrl(ctx.deps.config) });
  } catch (err) {
    throw withField(toAppError(err), 'instanceUrl');
  }
  const now = ctx.clock();
  if (!known) {
    await ctx.db.insert(mastodonApps).values({
      instanceUrl, redirectUri, clientId: begun.pending.app.clientId,
      clientSecretSealed: ctx.deps.box.encrypt(begun.pending.app.clientSecret, `mastodon-app:${instanceUrl}`),
    }).onConflictDoNothing();
  }
  await ctx.db.insert(oauthStates).values({
    stateHash: hashToken(state), workspaceId: ws.id, userId, network: 'mastodon',
    pendingSealed: ctx.deps.box.seal(begun.pending, 'oauth-state'), createdAt: now, expiresAt: new Date(now.getTime() + OAUTH_TTL_MS),
  });
  return { authorizeUrl: begun.authorizeUrl };
}

/**
 * Step 2, the instance's redirect back: the state must be a Mastodon one (the table also holds other
 * networks' states and pending Google connections), unused, unexpired and begun by this same signed-in user; the code is exchanged and the channel stored in the workspace the flow began in.
 */
export async function completeMastodon(deps: Deps, userCtx: Ctx, input: { state: string; code: string }): Promise<{ workspaceId: string; channelId: string }> {
  const now = deps.clock();
  const [st] = await deps.db.update(oauthStates).set({ usedAt: now })
    .where(and(eq(oauthStates.stateHash, hashToken(input.state)), eq(oauthStates.network, 'mastodon'), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now)))
    .returning();
  if (!st || st.userId !== actorUserId(userCtx.actor)) throw new AppError('validation_failed', 'This authorization link expired or was already used; start connecting again.', 'state');
  const pending = deps.box.open<MastodonPendingAuthorization>(st.pendingSealed, 'oauth-state');
  // Re-check membership and role now: they may have changed during the round trip.
  const workspace = await memberScope(deps, st.userId, st.workspaceId);
  if (!workspace) throw new AppError('not_found', 'Workspace not found.');
  const ctx: Ctx = { ...userCtx, workspace };
  authorize(workspace.roles, 'channel.manage');
  let connected;
  try {
    connected = await completeMastodonAuthorization(baseContext(deps), pending, input.code);
  } catch (err) {
    throw toAppError(err);
  }
  const row = await saveConnected(ctx, 'mastodon', connected, pending.app.instanceUrl);
  return { workspaceId: st.workspaceId, channelId: row.id };
}

/** Checks the channel against the network now (refreshing its profile and limits). */
export async function verifyChannel(ctx: Ctx, id: string) {
  authorize(scope(ctx).roles, 'channel.manage');
  const row = await getChannelRow(ctx, id);
  // A channel marked "reconnect needed" is still tried: the user may have fixed it on the network.
  const retry = { ...row, health: 'connected' };
  const { profile, limits } = await callChannel(ctx.deps, retry, async (connector, cctx) => ({
    profile: await connector.verify(cctx), limits: await connector.limits(cctx),
  }));
  const [updated] = await ctx.db.update(channels).set({
    handle: profile.handle, displayName: profile.displayName, avatarUrl: profile.avatarUrl, profileUrl: profile.url, limits, updatedAt: ctx.clock(),
  }).where(eq(channels.id, id)).returning();
  // The profile (name, avatar, handle) or limits may have changed: refresh other open pages.
  await ctx.deps.realtime.publish(ctx.db, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id } });
  return presentChannel(updated!, ctx.clock());
}

/** True when another channel (of any workspace) holds the same network grant as `row` (`Connector.grantOf`). */
async function grantStillUsed(deps: Deps, row: ChannelRow): Promise<boolean> {
  const { connector, ctx } = openChannel(deps, row);
  const grant = connector.grantOf?.(ctx.credentials) ?? null;
  if (grant === null) return false;
  const others = await deps.db.select().from(channels).where(and(eq(channels.network, row.network), ne(channels.id, row.id)));
  return others.some((other) => connector.grantOf?.(openChannel(deps, other).ctx.credentials) === grant);
}

/** Disconnects: revokes our access on the network (best effort), then deletes the channel and its credentials. */
export async function disconnectChannel(ctx: Ctx, id: string) {
  authorize(scope(ctx).roles, 'channel.manage');
  const row = await getChannelRow(ctx, id);
  try {
    // Where channels share one grant (Google: locations of one user), revoking would cut the others off.
    if (!(await grantStillUsed(ctx.deps, row))) {
      await callChannel(ctx.deps, { ...row, health: 'connected' }, (connector, cctx) => connector.disconnect(cctx));
    }
  } catch (err) {
    ctx.log.warn({ channel: id, err: (err as Error).message }, 'could not revoke access on the network; deleting the channel anyway');
  }
  await ctx.deps.db.transaction(async (tx) => {
    await tx.delete(channels).where(and(eq(channels.id, id), eq(channels.workspaceId, row.workspaceId)));
    await audit(inTx(ctx, tx), { action: 'channel.disconnect', targetType: 'channel', targetId: id, before: { network: row.network, handle: row.handle, remoteId: row.remoteId } });
    await ctx.deps.realtime.publish(tx, { workspaceId: row.workspaceId, type: 'channel.changed', payload: { id } });
  });
}
