import { notifications as toasts } from '@mantine/notifications';
import { useEffect } from 'react';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import type { ServerEvent } from '../../api/types.ts';

function parse(data: string): ServerEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as ServerEvent).type === 'string') {
      return value as ServerEvent;
    }
  } catch {
    // A malformed event is ignored; the next refetch brings the truth.
  }
  return null;
}

/** Refetches the bell's list and pops the new notification up as a toast. */
async function announce(wid: string, id: string | null): Promise<void> {
  const list = await queryClient.fetchQuery({
    queryKey: keys.notifications(wid),
    queryFn: () => api.notifications(wid),
    staleTime: 0,
  });
  const created = id ? list.notifications.find((n) => n.id === id) : undefined;
  if (created) toasts.show({ title: created.title, message: created.body || undefined });
}

/** Refreshes what changed when the workspace's event stream says so; reconnects with back-off if it closes. */
export function useWorkspaceEvents(wid: string | null): void {
  useEffect(() => {
    if (!wid || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    let stopped = false;

    const onEvent = (event: ServerEvent) => {
      switch (event.type) {
        case 'notification.created':
          void announce(wid, typeof event.payload.id === 'string' ? event.payload.id : null);
          break;
        case 'member.changed':
          void queryClient.invalidateQueries({ queryKey: keys.members(wid) });
          void queryClient.invalidateQueries({ queryKey: keys.invitations(wid) });
          void queryClient.invalidateQueries({ queryKey: keys.me });
          break;
        case 'audit.created':
          void queryClient.invalidateQueries({ queryKey: keys.audit(wid) });
          break;
        case 'channel.changed':
          // Settings → Channels and the channel test pages (key: routes/settings/channels/channels-api.ts).
          void queryClient.invalidateQueries({ queryKey: ['workspace', wid, 'channels'] });
          break;
        case 'inbox.message.created':
        case 'inbox.conversation.updated':
        case 'inbox.channels.changed': // a channel's stream went live or down (routes/inbox/ChannelStatus.tsx)
          // The inbox, contacts, moderation and relay screens (keys: routes/inbox/api/keys.ts).
          void queryClient.invalidateQueries({ queryKey: ['workspace', wid, 'inbox'] });
          break;
        case 'inbox.presence':
          // Who is viewing or typing in a conversation: the open conversation listens (routes/inbox/usePresence.ts).
          window.dispatchEvent(new CustomEvent('passerelle:inbox.presence', { detail: event.payload }));
          break;
        case 'post.changed':
        case 'posts.changed':
        case 'charter.changed':
          // Composer, calendar, approvals and post pages (key: routes/publishing/publishing-api.ts).
          void queryClient.invalidateQueries({ queryKey: ['workspace', wid, 'publishing'] });
          break;
        default:
          break;
      }
    };

    const connect = () => {
      source = new EventSource(api.eventsUrl(wid), { withCredentials: true });
      source.onopen = () => {
        delay = 1000;
      };
      source.onmessage = (message: MessageEvent<string>) => {
        const event = parse(message.data);
        if (event) onEvent(event);
      };
      source.onerror = () => {
        // EventSource retries by itself while the connection is CONNECTING; once CLOSED (e.g. an HTTP error), we do.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30_000);
        }
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [wid]);
}
