import { Badge, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client.ts';
import { useWorkspaceDates } from '../shell/workspace-context.ts';

// GET /api/workspaces/:wid/inbox/channels (src/modules/inbox/channel-status.service.ts).
export type ChannelStatus = {
  channelId: string;
  network: string;
  handle: string;
  health: string;
  pollSeconds: number;
  lastPolledAt: string | null;
  lastPollError: string | null;
  stream: { mode: 'none' | 'account' | 'network'; live: boolean; connectedSince: string | null; lastEventAt: string | null; lastError: string | null };
};

/** Under `inboxKeys.all`, so every inbox event refreshes it (a new message usually means a fresh poll or event). */
export const channelStatusKey = (wid: string) => ['workspace', wid, 'inbox', 'channels'] as const;

/**
 * How each channel reaches the inbox: "Live" while a stream (Mastodon streaming, Bluesky Jetstream)
 * is open, else "Polling every 30 s"; when it was last checked; and "Check now".
 */
export function ChannelStatusList({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const status = useQuery({
    queryKey: channelStatusKey(wid),
    queryFn: () => request<{ channels: ChannelStatus[] }>('GET', `/api/workspaces/${wid}/inbox/channels`),
    refetchInterval: 30_000,
  });
  const sync = useMutation({
    mutationFn: (channelId: string) => request<{ queued: boolean }>('POST', `/api/workspaces/${wid}/inbox/channels/${channelId}/sync`),
    // The poll runs in a worker: look again a moment later.
    onSuccess: () => void setTimeout(() => void client.invalidateQueries({ queryKey: channelStatusKey(wid) }), 3_000),
  });
  const list = status.data?.channels ?? [];
  if (list.length === 0) return null;
  return (
    <Stack gap={6} aria-label={t('inboxLive.title')} role="region">
      <Text size="xs" fw={600}>{t('inboxLive.title')}</Text>
      {list.map((c) => (
        <Stack key={c.channelId} gap={0} data-testid={`channel-status-${c.channelId}`}>
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Text size="xs" truncate title={`@${c.handle}`}>@{c.handle}</Text>
            {c.stream.live ? (
              <Tooltip label={t('inboxLive.liveSince', { at: dates.dateTime(c.stream.connectedSince) })}>
                <Badge size="xs" color="green" variant="light">{t('inboxLive.live')}</Badge>
              </Tooltip>
            ) : (
              <Badge size="xs" color="gray" variant="light">{t('inboxLive.polling', { seconds: c.pollSeconds })}</Badge>
            )}
          </Group>
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Text size="xs" c="dimmed">
              {c.lastPolledAt ? t('inboxLive.lastChecked', { at: dates.dateTime(c.lastPolledAt) }) : t('inboxLive.notChecked')}
            </Text>
            <Button size="compact-xs" variant="subtle" loading={sync.isPending && sync.variables === c.channelId} onClick={() => sync.mutate(c.channelId)}>
              {t('inboxLive.checkNow')}
            </Button>
          </Group>
          {!c.stream.live && c.stream.mode !== 'none' && c.stream.lastError ? (
            <Text size="xs" c="dimmed" title={c.stream.lastError}>{t('inboxLive.reconnecting')}</Text>
          ) : null}
        </Stack>
      ))}
    </Stack>
  );
}
