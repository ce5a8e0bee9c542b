import { Alert, Avatar, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../../api/queries.ts';
import type { Channel } from '../../../api/types.ts';
import { ConfirmButton } from '../../../components/ConfirmButton.tsx';
import { RouterAnchor } from '../../../components/RouterLinks.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi, channelsKey, roleCan, safeUrl } from './channels-api.ts';
import { NetworkBadge } from './NetworkBadge.tsx';

/** The health of a channel as a badge: connected, reconnect needed, or rate-limited until a time. */
export function HealthBadge({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  if (channel.health === 'reconnect_needed') {
    return (
      <Badge color="red" variant="light" data-testid="channel-health">
        {t('channels.health.reconnect_needed')}
      </Badge>
    );
  }
  if (channel.health === 'rate_limited') {
    return (
      <Badge color="orange" variant="light" data-testid="channel-health" style={{ textTransform: 'none' }}>
        {t('channels.health.rate_limited', { time: dates.dateTime(channel.rateLimitedUntil) })}
      </Badge>
    );
  }
  return (
    <Badge color="teal" variant="light" data-testid="channel-health">
      {t('channels.health.connected')}
    </Badge>
  );
}

/**
 * What a working channel cannot do and why (e.g. Bluesky DMs without DM access), from the notices its
 * connector reported. Known codes are translated; others show the server's English message.
 */
export function ChannelNotices({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  if (!channel.notices?.length) return null;
  return (
    <Stack gap="xs" data-testid="channel-notices">
      {channel.notices.map((notice) => (
        <Alert key={notice.code} color="yellow" variant="light" p="xs" title={t(`channels.notices.${notice.code}.title`, { defaultValue: notice.code })}>
          <Text size="sm">{t(`channels.notices.${notice.code}.body`, { defaultValue: notice.message })}</Text>
        </Alert>
      ))}
    </Stack>
  );
}

/** One connected account: who it is, its health, and (for managers) check, reconnect and disconnect. */
export function ChannelCard({ channel, onReconnect }: { channel: Channel; onReconnect: (channel: Channel) => void }) {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const manage = roleCan(role, 'channel.manage');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: channelsKey(workspace.id) });
  const verify = useMutation({
    mutationFn: () => channelsApi.verify(workspace.id, channel.id),
    onSuccess: ({ channel: checked }) => {
      toasts.show({ color: 'teal', message: t('channels.card.verified', { handle: checked.handle }) });
    },
    onSettled: invalidate,
  });
  const disconnect = useMutation({
    mutationFn: () => channelsApi.disconnect(workspace.id, channel.id),
    onSuccess: () => toasts.show({ message: t('channels.card.disconnected', { handle: channel.handle }) }),
    onSettled: invalidate,
  });
  const avatar = safeUrl(channel.avatarUrl);
  const profile = safeUrl(channel.profileUrl, { allowHttp: true });
  const name = channel.displayName || channel.handle;
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-label={t('channels.card.label', { handle: channel.handle })} data-testid="channel-card">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Avatar src={avatar} alt="" radius="xl" size="lg" color="blue">
              {name.slice(0, 2).toUpperCase()}
            </Avatar>
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Text fw={600} truncate>
                {name}
              </Text>
              <Text size="sm" c="dimmed" truncate>
                {profile ? (
                  <a href={profile} target="_blank" rel="noopener noreferrer nofollow" style={{ color: 'inherit' }}>
                    @{channel.handle}
                  </a>
                ) : (
                  `@${channel.handle}`
                )}
              </Text>
              <Group gap={6}>
                <NetworkBadge network={channel.network} />
                <HealthBadge channel={channel} />
              </Group>
            </Stack>
          </Group>
        </Group>
        {channel.serverUrl ? (
          <Text size="xs" c="dimmed">
            {t('channels.card.server', { server: channel.serverUrl })}
          </Text>
        ) : null}
        {channel.tokenExpiresAt ? (
          <Text size="xs" c="dimmed" data-testid="token-expiry">
            {t('channels.card.tokenExpires', { time: dates.dateTime(channel.tokenExpiresAt) })}
          </Text>
        ) : null}
        {channel.health === 'reconnect_needed' && channel.lastError ? (
          <Text size="xs" c="red">
            {t('channels.errors.detail', { detail: channel.lastError })}
          </Text>
        ) : null}
        <ChannelNotices channel={channel} />
        <ChannelErrorAlert error={verify.error ?? disconnect.error} />
        <Group gap="xs" justify="flex-end">
          <RouterAnchor
            to="/w/$wid/settings/channels/$id"
            params={{ wid: workspace.id, id: channel.id }}
            size="sm"
            mr="auto"
            aria-label={t('channels.card.openTestFor', { handle: channel.handle })}
          >
            {t('channels.card.openTest')}
          </RouterAnchor>
          {/* Always offered, not only when the channel is broken: a notice may ask for new credentials
              (e.g. an app password with DM access), and replacing them is the same flow. */}
          {manage ? (
            <Button
              size="compact-sm"
              {...(channel.health === 'reconnect_needed' ? { color: 'red' } : { variant: 'default' })}
              onClick={() => onReconnect(channel)}
            >
              {t('channels.card.reconnect')}
            </Button>
          ) : null}
          {manage ? (
            <Button size="compact-sm" variant="default" loading={verify.isPending} onClick={() => verify.mutate()}>
              {t('channels.card.verify')}
            </Button>
          ) : null}
          {manage ? (
            <ConfirmButton
              label={t('channels.card.disconnect')}
              aria-label={t('channels.card.disconnectWhich', { handle: channel.handle })}
              question={t('channels.card.disconnectConfirm', { handle: channel.handle })}
              onConfirm={() => disconnect.mutate()}
              loading={disconnect.isPending}
            />
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}
