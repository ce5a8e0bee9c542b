import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelInteraction } from '../../../api/types.ts';
import { Section } from '../../../components/Section.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi, roleCan, safeUrl } from './channels-api.ts';

const HIDEABLE = ['reply', 'comment'];

/** Notifications, mentions and replies read back as normalized interactions, with the stored cursor. */
export function InteractionsPanel({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [items, setItems] = useState<ChannelInteraction[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [lastCount, setLastCount] = useState<number | null>(null);
  const load = useMutation({
    mutationFn: (fromStart: boolean) => channelsApi.interactions(workspace.id, channel.id, fromStart),
    onSuccess: (page, fromStart) => {
      setLoaded(true);
      setLastCount(page.items.length);
      setItems((current) => {
        const known = fromStart ? [] : current;
        const ids = new Set(known.map((i) => i.remoteId));
        // Pages come oldest first; show the newest at the top.
        const fresh = page.items.filter((i) => !ids.has(i.remoteId)).reverse();
        return [...fresh, ...known];
      });
    },
  });
  return (
    <Section
      title={t('channels.interactions.title')}
      description={t('channels.interactions.description')}
      actions={
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          <Button size="compact-sm" onClick={() => load.mutate(false)} loading={load.isPending && load.variables === false}>
            {t('channels.interactions.loadNewer')}
          </Button>
          <Button size="compact-sm" variant="default" onClick={() => load.mutate(true)} loading={load.isPending && load.variables === true}>
            {t('channels.interactions.fromStart')}
          </Button>
        </Group>
      }
    >
      <ChannelErrorAlert error={load.error} />
      {loaded && lastCount === 0 ? (
        <Text size="sm" c="dimmed">
          {t('channels.interactions.nothingNew')}
        </Text>
      ) : null}
      {!loaded ? (
        <Text size="sm" c="dimmed">
          {t('channels.interactions.notLoaded')}
        </Text>
      ) : null}
      <Stack gap="xs" data-testid="interactions">
        {items.map((item) => (
          <InteractionRow key={item.remoteId} channel={channel} item={item} />
        ))}
      </Stack>
    </Section>
  );
}

function InteractionRow({ channel, item }: { channel: Channel; item: ChannelInteraction }) {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [hidden, setHidden] = useState(false);
  const moderate = useMutation({
    mutationFn: (action: 'hide' | 'unhide') =>
      channelsApi.moderate(workspace.id, channel.id, { action, remoteId: item.remoteId, ...(item.root ? { root: item.root } : {}) }),
    onSuccess: (_, action) => setHidden(action === 'hide'),
  });
  const canHide = roleCan(role, 'moderation.manage') && (channel.capabilities?.moderation ?? []).includes('hide') && HIDEABLE.includes(item.kind);
  const url = safeUrl(item.url, { allowHttp: true });
  const author = item.author.displayName ? `${item.author.displayName} (@${item.author.handle})` : `@${item.author.handle}`;
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="interaction" opacity={hidden ? 0.6 : 1}>
      <Stack gap={4}>
        <Group gap="xs" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Badge variant="light" size="sm" color="grape">
              {t(`channels.kinds.${item.kind}`, { defaultValue: item.kind })}
            </Badge>
            <Text size="sm" fw={600} truncate>
              {author}
            </Text>
            {hidden ? (
              <Badge variant="outline" size="sm" color="gray">
                {t('channels.interactions.hidden')}
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {dates.dateTime(item.createdAt)}
          </Text>
        </Group>
        {item.text ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="interaction-text">
            {item.text}
          </Text>
        ) : null}
        <Group gap="sm">
          {url ? (
            <Anchor href={url} target="_blank" rel="noopener noreferrer nofollow" size="xs">
              {t('channels.test.open')}
            </Anchor>
          ) : null}
          {item.inReplyTo ? (
            <Text size="xs" c="dimmed">
              {t('channels.interactions.inReplyTo', { id: item.inReplyTo })}
            </Text>
          ) : null}
          {canHide ? (
            <Button
              size="compact-xs"
              variant="subtle"
              ml="auto"
              loading={moderate.isPending}
              onClick={() => moderate.mutate(hidden ? 'unhide' : 'hide')}
              aria-label={t(hidden ? 'channels.interactions.unhideFrom' : 'channels.interactions.hideFrom', { author: item.author.handle })}
            >
              {hidden ? t('channels.interactions.unhide') : t('channels.interactions.hide')}
            </Button>
          ) : null}
        </Group>
        <ChannelErrorAlert error={moderate.error} />
      </Stack>
    </Paper>
  );
}
