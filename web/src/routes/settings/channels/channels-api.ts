import { useQuery } from '@tanstack/react-query';
import { request } from '../../../api/client.ts';
import type {
  Channel,
  ChannelMetrics,
  InteractionsPage,
  PublishedTest,
  Role,
  TestPost,
  ValidationIssue,
} from '../../../api/types.ts';

const enc = encodeURIComponent;
const base = (wid: string) => `/api/workspaces/${enc(wid)}/channels`;

/** Calls of Settings → Channels and a channel's test page. */
export const channelsApi = {
  list: (wid: string) => request<{ channels: Channel[] }>('GET', base(wid)),
  connectBluesky: (wid: string, input: { handle: string; appPassword: string; pdsUrl?: string }) =>
    request<{ channel: Channel }>('POST', `${base(wid)}/bluesky`, input),
  authorizeMastodon: (wid: string, instanceUrl: string) =>
    request<{ authorizeUrl: string }>('POST', `${base(wid)}/mastodon/authorize`, { instanceUrl }),
  googleStatus: (wid: string) => request<{ configured: boolean; redirectUri: string }>('GET', `${base(wid)}/google-business`),
  authorizeGoogle: (wid: string) => request<{ authorizeUrl: string }>('POST', `${base(wid)}/google-business/authorize`),
  googleConnection: (wid: string, id: string) =>
    request<{ expiresAt: string; locations: GoogleLocation[] }>('GET', `${base(wid)}/google-business/connections/${enc(id)}`),
  connectGoogleLocations: (wid: string, id: string, locations: string[]) =>
    request<{ channels: Channel[] }>('POST', `${base(wid)}/google-business/connections/${enc(id)}`, { locations }),
  verify: (wid: string, id: string) => request<{ channel: Channel }>('POST', `${base(wid)}/${enc(id)}/verify`),
  disconnect: (wid: string, id: string) => request<void>('DELETE', `${base(wid)}/${enc(id)}`),
  validate: (wid: string, id: string, post: TestPost) =>
    request<{ issues: ValidationIssue[] }>('POST', `${base(wid)}/${enc(id)}/validate`, post),
  publish: (wid: string, id: string, post: TestPost) =>
    request<PublishedTest>('POST', `${base(wid)}/${enc(id)}/posts`, post),
  deletePost: (wid: string, id: string, remoteId: string) =>
    request<void>('POST', `${base(wid)}/${enc(id)}/posts/delete`, { remoteId }),
  interactions: (wid: string, id: string, fromStart: boolean) =>
    request<InteractionsPage>('GET', `${base(wid)}/${enc(id)}/interactions?fromStart=${fromStart}&limit=50`),
  moderate: (wid: string, id: string, input: { action: 'hide' | 'unhide'; remoteId: string; root?: string }) =>
    request<void>('POST', `${base(wid)}/${enc(id)}/moderate`, input),
  metrics: (wid: string, id: string, remoteIds: string[]) =>
    request<{ metrics: ChannelMetrics[] }>('POST', `${base(wid)}/${enc(id)}/metrics`, { remoteIds }),
};

/** A business location Google listed after consent, to choose from. */
export interface GoogleLocation {
  name: string;
  title: string;
  address: string | null;
  accountName: string | null;
  mapsUri: string | null;
}

/**
 * Whether a channel publishes posts of its own (composer, plan, calendar slots). Read from its
 * capabilities, never from the network id: Google Business Profile locations only answer reviews.
 */
export function publishesPosts(channel: Channel): boolean {
  return channel.capabilities?.publish.text !== false;
}

/** Query key of the channel list; the shell's event stream invalidates it on `channel.changed`. */
export const channelsKey = (wid: string) => ['workspace', wid, 'channels'] as const;

/** The workspace's channels. */
export function useChannels(wid: string) {
  return useQuery({ queryKey: channelsKey(wid), queryFn: () => channelsApi.list(wid) });
}

// Mirrors src/platform/policy.ts for what these pages show; the API decides.
const PERMISSIONS = {
  'channel.manage': ['owner', 'admin'],
  'post.draft': ['owner', 'admin', 'editor', 'contributor'],
  'post.publish': ['owner', 'admin', 'editor'],
  'inbox.read': ['owner', 'admin', 'editor', 'moderator', 'analyst'],
  'moderation.manage': ['owner', 'admin', 'moderator'],
  'analytics.read': ['owner', 'admin', 'editor', 'contributor', 'moderator', 'analyst', 'client'],
} as const satisfies Record<string, readonly Role[]>;

/** Whether `role` may do `permission` (to hide what the API would refuse). */
export function roleCan(role: Role, permission: keyof typeof PERMISSIONS): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** An address safe to put in an <img src> or <a href>: https, or http(s) on this same origin. */
export function safeUrl(value: string | null | undefined, { allowHttp = false } = {}): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, window.location.origin);
    if (url.protocol === 'https:') return url.toString();
    if (url.origin === window.location.origin) return url.toString();
    if (allowHttp && url.protocol === 'http:') return url.toString();
  } catch {
    // not a URL
  }
  return null;
}
