import { z } from 'zod';
import type { NetworkId } from '../../connectors/connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import type { channels } from '../../db/schema/index.ts';

/** Request/response schemas of channels, and the presenter (credentials never leave the server). */

export const networkSchema = z.enum(['bluesky', 'mastodon', 'google-business']);
export const healthSchema = z.enum(['connected', 'reconnect_needed', 'rate_limited']);

export const channelOut = z.object({
  id: z.string(),
  network: networkSchema,
  remoteId: z.string(),
  handle: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  profileUrl: z.string().nullable(),
  serverUrl: z.string().nullable(),
  health: healthSchema,
  rateLimitedUntil: z.iso.datetime().nullable(),
  tokenExpiresAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  /** Lasting conditions of a working channel (e.g. `dm_access_missing`); the UI translates by code. */
  notices: z.array(z.object({ code: z.string(), message: z.string(), since: z.iso.datetime() })),
  limits: z.record(z.string(), z.unknown()),
  /** What the network allows (the UI offers only these actions instead of testing the network id). */
  capabilities: z.object({
    /** `text` false: the channel publishes no posts of its own, only replies (Google Business Profile). */
    publish: z.object({ text: z.boolean(), images: z.boolean(), thread: z.boolean(), reply: z.boolean(), contentWarning: z.boolean() }),
    deleteOwn: z.boolean(),
    interactions: z.array(z.string()),
    moderation: z.array(z.string()),
    metrics: z.array(z.string()),
  }),
  createdAt: z.iso.datetime(),
});
export type ChannelOut = z.infer<typeof channelOut>;

/** Health as users should see it now: a rate limit whose time has passed is over. */
export function currentHealth(row: typeof channels.$inferSelect, now: Date): z.infer<typeof healthSchema> {
  if (row.health === 'reconnect_needed') return 'reconnect_needed';
  if (row.rateLimitedUntil && row.rateLimitedUntil > now) return 'rate_limited';
  return 'connected';
}

export function presentChannel(row: typeof channels.$inferSelect, now: Date): ChannelOut {
  const health = currentHealth(row, now);
  const caps = getConnector(row.network as NetworkId).capabilities;
  return {
    id: row.id, network: row.network as ChannelOut['network'], remoteId: row.remoteId, handle: row.handle,
    displayName: row.displayName, avatarUrl: row.avatarUrl, profileUrl: row.profileUrl, serverUrl: row.serverUrl,
    health, rateLimitedUntil: health === 'rate_limited' ? row.rateLimitedUntil!.toISOString() : null,
    tokenExpiresAt: row.tokenExpiresAt?.toISOString() ?? null, lastError: row.lastError,
    notices: Object.entries(row.notices ?? {}).map(([code, n]) => ({ code, message: n.message, since: n.since })),
    limits: row.limits as Record<string, unknown>,
    capabilities: {
      publish: { text: caps.publish.text, images: caps.publish.images, thread: caps.publish.thread, reply: caps.publish.reply, contentWarning: caps.publish.contentWarning },
      deleteOwn: caps.deleteOwn, interactions: [...caps.interactions], moderation: [...caps.moderation], metrics: [...caps.metrics],
    },
    createdAt: row.createdAt.toISOString(),
  };
}

const imageIn = z.strictObject({
  dataBase64: z.string().min(4).max(14_000_000, { message: 'image is over 10 MB' }),
  mimeType: z.string().min(3).max(100),
  altText: z.string().max(5000).optional(),
});
const partIn = z.strictObject({ text: z.string().max(100_000), images: z.array(imageIn).max(10).optional() });

/** A post to publish from a channel's test page (or through the API). */
export const testPostIn = partIn.extend({
  thread: z.array(partIn).max(25).optional(),
  replyTo: z.string().min(1).max(500).optional(),
  language: z.string().min(2).max(12).optional(),
});
export type TestPostIn = z.infer<typeof testPostIn>;
