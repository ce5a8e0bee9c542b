import { Alert, Avatar, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterAnchor } from '../../../components/RouterLinks.tsx';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { ChannelNotices, HealthBadge } from './ChannelCard.tsx';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { publishesPosts, roleCan, safeUrl, useChannels } from './channels-api.ts';
import { InteractionsPanel } from './InteractionsPanel.tsx';
import { MetricsPanel } from './MetricsPanel.tsx';
import { NetworkBadge } from './NetworkBadge.tsx';
import { TestComposer } from './TestComposer.tsx';
import type { SessionPost } from './TestComposer.tsx';

/** A channel's test page: publish, delete, read interactions, hide a reply, fetch metrics — for real. */
export function ChannelTestPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/w/$wid/settings/channels/$id' });
  const { workspace, role } = useCurrentWorkspace();
  const channels = useChannels(workspace.id);
  const [posts, setPosts] = useState<SessionPost[]>([]);
  const channel = channels.data?.channels.find((c) => c.id === id);

  const back = (
    <RouterAnchor to="/w/$wid/settings/channels" params={{ wid: workspace.id }} size="sm">
      ← {t('channels.test.back')}
    </RouterAnchor>
  );
  if (channels.isPending) return <Loader aria-label={t('common.loading')} />;
  if (!channel) {
    return (
      <Stack gap="sm">
        {back}
        <ChannelErrorAlert error={channels.error} />
        {!channels.error ? <Alert color="gray">{t('channels.test.notFound')}</Alert> : null}
      </Stack>
    );
  }
  const sessionIds = posts.flatMap((p) => p.parts.map((part) => part.remoteId).filter((r) => !p.deleted.includes(r)));
  return (
    <Stack gap="lg">
      {back}
      <Group gap="sm" wrap="nowrap">
        <Avatar src={safeUrl(channel.avatarUrl)} alt="" radius="xl" size="lg" color="blue">
          {(channel.displayName || channel.handle).slice(0, 2).toUpperCase()}
        </Avatar>
        <Stack gap={2}>
          <Title order={2} size="h3">
            {t('channels.test.title', { handle: channel.handle })}
          </Title>
          <Group gap={6}>
            <NetworkBadge network={channel.network} />
            <HealthBadge channel={channel} />
          </Group>
        </Stack>
      </Group>
      <ChannelNotices channel={channel} />
      <Text size="sm" c="dimmed">
        {t('channels.test.warning')}
      </Text>
      {publishesPosts(channel) ? (
        <TestComposer
          channel={channel}
          posts={posts}
          onPublished={(p) => setPosts((all) => [{ ...p, deleted: [] }, ...all])}
          onDeleted={(remoteId) => setPosts((all) => all.map((p) => (p.parts.some((x) => x.remoteId === remoteId) ? { ...p, deleted: [...p.deleted, remoteId] } : p)))}
        />
      ) : (
        <Alert color="blue" variant="light" data-testid="replies-only">
          {t('google.repliesOnly')}
        </Alert>
      )}
      {roleCan(role, 'inbox.read') ? <InteractionsPanel channel={channel} /> : null}
      {roleCan(role, 'analytics.read') && (channel.capabilities?.metrics.length ?? 1) > 0 ? <MetricsPanel channel={channel} sessionIds={sessionIds} /> : null}
    </Stack>
  );
}
