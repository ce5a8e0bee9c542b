import { Alert, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import type { Channel } from '../../../api/types.ts';
import { Section } from '../../../components/Section.tsx';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { ChannelCard } from './ChannelCard.tsx';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { roleCan, useChannels } from './channels-api.ts';
import { ConnectBlueskyModal, ConnectMastodonModal } from './ConnectModals.tsx';
import { ConnectGoogleModal, GoogleLocationsModal } from './GoogleConnect.tsx';

/** Search parameters of the channels page: the Mastodon callback's outcome. */
export interface ChannelsSearch {
  connected?: string;
  channelError?: string;
  message?: string;
  /** A Google consent waiting for the choice of locations. */
  googleConnection?: string;
}

/** Reads the Mastodon callback's outcome from the address (anything else is dropped). */
export function channelsSearch(search: Record<string, unknown>): ChannelsSearch {
  const out: ChannelsSearch = {};
  const text = (v: unknown) => (typeof v === 'string' && v.length <= 2000 ? v : undefined);
  const connected = text(search.connected);
  const channelError = text(search.channelError);
  const message = text(search.message);
  if (connected) out.connected = connected;
  if (channelError && /^[a-z_]{1,60}$/.test(channelError)) out.channelError = channelError;
  if (message) out.message = message;
  const googleConnection = text(search.googleConnection);
  if (googleConnection && /^[0-9a-f-]{36}$/.test(googleConnection)) out.googleConnection = googleConnection;
  return out;
}

type Dialog = { kind: Channel['network']; channel?: Channel } | null;

/** Settings → Channels: the connected accounts, their health, and (for managers) connect and disconnect. */
export function ChannelsSettings() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const search = useSearch({ from: '/w/$wid/settings/channels' });
  const navigate = useNavigate();
  const channels = useChannels(workspace.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const manage = roleCan(role, 'channel.manage');
  const clearSearch = () => void navigate({ to: '/w/$wid/settings/channels', params: { wid: workspace.id }, search: {}, replace: true });
  const connected = search.connected ? channels.data?.channels.find((c) => c.id === search.connected) : undefined;
  const callbackError = search.channelError
    ? new ApiError(400, search.channelError, search.message ?? '')
    : null;
  const list = channels.data?.channels ?? [];

  return (
    <Stack gap="lg">
      {connected ? (
        <Alert color="teal" variant="light" withCloseButton onClose={clearSearch} closeButtonLabel={t('channels.dismiss')} role="status">
          {t('channels.connected', { handle: connected.handle })}
        </Alert>
      ) : null}
      {callbackError ? (
        <Stack gap={4}>
          <ChannelErrorAlert error={callbackError} title={t('channels.callbackFailed')} />
          <Group justify="flex-end">
            <Button size="compact-sm" variant="subtle" onClick={clearSearch}>
              {t('channels.dismiss')}
            </Button>
          </Group>
        </Stack>
      ) : null}
      <Section
        title={t('channels.title')}
        description={t('channels.description')}
        actions={
          manage ? (
            <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
              <Button size="sm" onClick={() => setDialog({ kind: 'bluesky' })}>
                {t('channels.connectBluesky')}
              </Button>
              <Button size="sm" onClick={() => setDialog({ kind: 'mastodon' })}>
                {t('channels.connectMastodon')}
              </Button>
              <Button size="sm" onClick={() => setDialog({ kind: 'google-business' })}>
                {t('google.connect')}
              </Button>
            </Group>
          ) : null
        }
      >
        <ChannelErrorAlert error={channels.error} />
        {!manage ? (
          <Text size="sm" c="dimmed">
            {t('channels.readOnly', { role: t(`roles.${role}`) })}
          </Text>
        ) : null}
        {channels.data && list.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('channels.none')}
          </Text>
        ) : null}
        {list.length > 0 ? (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" data-testid="channel-list">
            {list.map((channel) => (
              <ChannelCard
                key={channel.id}
                channel={channel}
                onReconnect={(c) => setDialog({ kind: c.network, channel: c })}
              />
            ))}
          </SimpleGrid>
        ) : null}
      </Section>
      {dialog?.kind === 'bluesky' ? (
        <ConnectBlueskyModal
          opened
          onClose={() => setDialog(null)}
          initial={dialog.channel ? { handle: dialog.channel.handle, pdsUrl: dialog.channel.serverUrl } : undefined}
        />
      ) : null}
      {dialog?.kind === 'google-business' ? <ConnectGoogleModal opened onClose={() => setDialog(null)} /> : null}
      {search.googleConnection && manage ? <GoogleLocationsModal connectionId={search.googleConnection} onClose={clearSearch} /> : null}
      {dialog?.kind === 'mastodon' ? (
        <ConnectMastodonModal opened onClose={() => setDialog(null)} initial={dialog.channel?.serverUrl} />
      ) : null}
    </Stack>
  );
}
