import { and, eq, gt, isNull } from 'drizzle-orm';
import {
  beginGoogleAuthorization, connectGoogleLocation, exchangeGoogleCode, listGoogleLocations,
  type GoogleGrant, type GoogleLocationChoice, type GooglePendingAuthorization,
} from '../../connectors/registry.ts';
import { publicUrl } from '../../config/config.ts';
import { oauthStates } from '../../db/schema/index.ts';
import { memberScope } from '../../platform/auth.ts';
import { actorUserId, type Ctx, type Deps } from '../../platform/context.ts';
import { hashToken, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { baseContext, toAppError } from './channel.gateway.ts';
import { presentChannel } from './channels.schema.ts';
import { saveConnected } from './channels.service.ts';

/**
 * Connecting Google Business Profile locations. Three steps, because one consent can cover many
 * locations and the user picks which become channels:
 *
 * 1. `beginGoogle` — a state (hashed in `oauth_states`, 15 min, bound to the user and workspace) and
 *    the PKCE verifier (sealed there); the browser goes to Google's consent page.
 * 2. `completeGoogle` — Google's redirect back: the state is used once, the code exchanged, the
 *    user's locations listed; tokens and locations are kept sealed as a *pending connection* (30 min,
 *    same table, network `google-business:pending`) and the browser lands on Settings → Channels.
 * 3. `connectGoogleLocations` — the user's choice: one channel per location, each with its own sealed
 *    copy of the tokens (they share one grant, see `Connector.grantOf`), audited like any connect.
 */

const OAUTH_TTL_MS = 15 * 60_000;
const PENDING_TTL_MS = 30 * 60_000;
const NETWORK = 'google-business';
const PENDING = 'google-business:pending';

/** What a pending connection keeps (sealed) between the callback and the user's choice. */
interface PendingConnection {
  grant: GoogleGrant;
  locations: GoogleLocationChoice[];
  apiBase: string | null;
}

export function googleRedirectUri(deps: Deps): string {
  return `${publicUrl(deps.config)}/api/oauth/google-business/callback`;
}

function notConfigured(): AppError {
  return new AppError('network_not_configured',
    'Google Business Profile is not configured on this Passerelle: the administrator must create an OAuth client in Google Cloud '
    + '(redirect URI: <public URL>/api/oauth/google-business/callback), then set PASSERELLE_GOOGLE_CLIENT_ID and PASSERELLE_GOOGLE_CLIENT_SECRET and restart.');
}

/** Whether Google Business Profile can be connected here, and the redirect URI to register with Google. */
export function googleStatus(ctx: Ctx): { configured: boolean; redirectUri: string } {
  authorize(scope(ctx).roles, 'channel.read');
  return { configured: ctx.deps.config.googleClient !== null, redirectUri: googleRedirectUri(ctx.deps) };
}

/** Step 1: the Google consent URL (PKCE + state), from a signed-in session of someone who manages channels. */
export async function beginGoogle(ctx: Ctx): Promise<{ authorizeUrl: string }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'channel.manage');
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== 'user') throw new AppError('forbidden', 'Connect channels from a signed-in session.');
  const client = ctx.deps.config.googleClient;
  if (client === null) throw notConfigured();
  const state = randomToken();
  const { authorizeUrl, pending } = beginGoogleAuthorization({ client, redirectUri: googleRedirectUri(ctx.deps), state, apiBase: ctx.deps.config.googleApiUrl });
  const now = ctx.clock();
  await ctx.db.insert(oauthStates).values({
    stateHash: hashToken(state), workspaceId: ws.id, userId, network: NETWORK,
    pendingSealed: ctx.deps.box.seal(pending, 'oauth-state'), createdAt: now, expiresAt: new Date(now.getTime() + OAUTH_TTL_MS),
  });
  return { authorizeUrl };
}

/**
 * Step 2, Google's redirect back: the state must be unused, unexpired, of this network and begun by
 * this same user; the code is exchanged and the user's locations listed. Returns the pending
 * connection the UI shows the choice for.
 */
export async function completeGoogle(deps: Deps, userCtx: Ctx, input: { state: string; code: string }): Promise<{ workspaceId: string; connectionId: string }> {
  const now = deps.clock();
  const [st] = await deps.db.update(oauthStates).set({ usedAt: now })
    .where(and(eq(oauthStates.stateHash, hashToken(input.state)), eq(oauthStates.network, NETWORK), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now)))
    .returning();
  if (!st || st.userId !== actorUserId(userCtx.actor)) throw new AppError('validation_failed', 'This authorization link expired or was already used; start connecting again.', 'state');
  const workspace = await memberScope(deps, st.userId, st.workspaceId);
  if (!workspace) throw new AppError('not_found', 'Workspace not found.');
  authorize(workspace.roles, 'channel.manage');
  const client = deps.config.googleClient;
  if (client === null) throw notConfigured();
  const pending = deps.box.open<GooglePendingAuthorization>(st.pendingSealed, 'oauth-state');
  let connection: PendingConnection;
  try {
    const grant = await exchangeGoogleCode(baseContext(deps), client, pending, input.code);
    connection = { grant, locations: await listGoogleLocations(baseContext(deps), grant, pending.apiBase), apiBase: pending.apiBase };
  } catch (err) {
    throw toAppError(err);
  }
  const id = await savePendingConnection(deps, { workspaceId: st.workspaceId, userId: st.userId, connection });
  return { workspaceId: st.workspaceId, connectionId: id };
}

/** Keeps a consent's tokens and locations (sealed) until the user picks locations; returns its id. */
export async function savePendingConnection(deps: Deps, input: { workspaceId: string; userId: string; connection: PendingConnection }): Promise<string> {
  const now = deps.clock();
  const [row] = await deps.db.insert(oauthStates).values({
    // Never looked up by hash: the row id (with the user and workspace checks) is the handle.
    stateHash: hashToken(randomToken()), workspaceId: input.workspaceId, userId: input.userId, network: PENDING,
    pendingSealed: deps.box.seal(input.connection, 'google-pending'), createdAt: now, expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
  }).returning({ id: oauthStates.id });
  return row!.id;
}

/** The caller's own pending connection in this workspace (404 for anyone else's, used or expired). */
async function pendingOf(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'channel.manage');
  const userId = actorUserId(ctx.actor);
  const [row] = await ctx.db.select().from(oauthStates).where(and(
    eq(oauthStates.id, id), eq(oauthStates.workspaceId, ws.id), eq(oauthStates.network, PENDING), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, ctx.clock()),
  ));
  if (!row || row.userId !== userId) throw new AppError('not_found', 'This Google connection expired or was already used; connect again.');
  return { row, connection: ctx.deps.box.open<PendingConnection>(row.pendingSealed, 'google-pending') };
}

/** The locations of a pending connection, to choose from. */
export async function getPendingConnection(ctx: Ctx, id: string) {
  const { row, connection } = await pendingOf(ctx, id);
  return {
    expiresAt: row.expiresAt.toISOString(),
    locations: connection.locations.map((l) => ({ name: l.location, title: l.title, address: l.address, accountName: l.accountName, mapsUri: l.mapsUri })),
  };
}

/** Step 3: one channel per chosen location (an already connected one gets the new tokens). */
export async function connectGoogleLocations(ctx: Ctx, id: string, chosen: string[]) {
  const { connection } = await pendingOf(ctx, id);
  const client = ctx.deps.config.googleClient;
  if (client === null) throw notConfigured();
  const picks = [...new Set(chosen)].map((name, i) => {
    const found = connection.locations.find((l) => l.location === name);
    if (!found) throw new AppError('validation_failed', `${name} is not one of the locations Google listed for this account.`, `locations.${i}`);
    return found;
  });
  // Claim the pending connection first: a double click creates nothing twice.
  const [claimed] = await ctx.db.update(oauthStates).set({ usedAt: ctx.clock() })
    .where(and(eq(oauthStates.id, id), isNull(oauthStates.usedAt))).returning({ id: oauthStates.id });
  if (!claimed) throw new AppError('not_found', 'This Google connection was already used; connect again.');
  const rows = [];
  for (const pick of picks) {
    rows.push(await saveConnected(ctx, 'google-business', connectGoogleLocation(client, connection.grant, pick, connection.apiBase), null));
  }
  return rows.map((r) => presentChannel(r, ctx.clock()));
}
