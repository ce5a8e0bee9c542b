// Helpers for browser tests with a Bluesky channel on the local PDS + chat fake
// (src/connectors/bluesky/fake-bluesky-chat.ts): connect through the API, ask for a poll now, wait for
// what the poll stored.
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';

/** Polls `check` (every 250 ms) until it answers something other than undefined; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Connects a Bluesky account hosted on `pdsUrl` (the fake) through the API, as the Connect dialog does; answers the channel id. */
export async function connectBluesky(context: BrowserContext, wid: string, input: { handle: string; appPassword: string; pdsUrl: string }): Promise<string> {
  const res = await context.request.post(`/api/workspaces/${wid}/channels/bluesky`, { data: input });
  assert.equal(res.status(), 201, await res.text());
  return ((await res.json()) as { channel: { id: string } }).channel.id;
}

/** Asks for a poll of the channel now (what the inbox's refresh does) instead of waiting for the minute tick. */
export async function syncChannel(context: BrowserContext, wid: string, channelId: string): Promise<void> {
  const res = await context.request.post(`/api/workspaces/${wid}/inbox/channels/${channelId}/sync`);
  assert.equal(res.status(), 202, await res.text());
}

export interface StoredChannel {
  id: string;
  handle: string;
  notices: { code: string; message: string }[];
}

/** The channel as the API answers it (notices included). */
export async function storedChannel(context: BrowserContext, wid: string, channelId: string): Promise<StoredChannel> {
  const res = await context.request.get(`/api/workspaces/${wid}/channels`);
  assert.equal(res.status(), 200, await res.text());
  const found = ((await res.json()) as { channels: StoredChannel[] }).channels.find((c) => c.id === channelId);
  assert.ok(found, `channel ${channelId} is listed`);
  return found;
}

export interface StoredConversation {
  id: string;
  kind: string;
  preview: string | null;
}

/** The open conversations of the inbox, as the API answers them. */
export async function openConversations(context: BrowserContext, wid: string): Promise<StoredConversation[]> {
  const res = await context.request.get(`/api/workspaces/${wid}/inbox/conversations?status=open`);
  assert.equal(res.status(), 200, await res.text());
  return ((await res.json()) as { conversations: StoredConversation[] }).conversations;
}
