import { ActionIcon, Anchor, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import type { Notification } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { BellIcon } from '../../components/icons.tsx';
import { useWorkspaceDates } from './workspace-context.ts';

/** The bell: unread count, the latest notifications, mark one or all as read. Live through the event stream. */
export function NotificationsBell({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const list = useQuery({ queryKey: keys.notifications(wid), queryFn: () => api.notifications(wid) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.notifications(wid) });
  const readAll = useMutation({ mutationFn: () => api.markAllNotificationsRead(wid), onSettled: refresh });
  const unread = list.data?.unread ?? 0;

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} shadow="md" trapFocus>
      <Popover.Target>
        <Indicator label={unread > 99 ? '99+' : unread} size={18} disabled={unread === 0} color="red" offset={4}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={() => setOpened((o) => !o)}
            aria-label={t('notifications.button', { count: unread })}
            data-testid="notifications-bell"
          >
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
          <Text fw={600}>{t('notifications.title')}</Text>
          <Button size="compact-xs" variant="subtle" disabled={unread === 0} onClick={() => readAll.mutate()}>
            {t('notifications.markAllRead')}
          </Button>
        </Group>
        <ScrollArea.Autosize mah={420}>
          <ErrorAlert error={list.error} />
          {list.data && list.data.notifications.length === 0 ? (
            <Text c="dimmed" size="sm" p="md">
              {t('notifications.empty')}
            </Text>
          ) : null}
          <Stack gap={0}>
            {list.data?.notifications.map((n) => (
              <NotificationItem key={n.id} wid={wid} notification={n} onOpen={() => setOpened(false)} />
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}

function NotificationItem({ wid, notification, onOpen }: { wid: string; notification: Notification; onOpen: () => void }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const navigate = useNavigate();
  const read = useMutation({
    mutationFn: () => api.markNotificationRead(wid, notification.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.notifications(wid) }),
  });
  const unread = !notification.readAt;
  const internal = notification.link?.startsWith('/') ? notification.link : null;
  const open = () => {
    if (unread) read.mutate();
    if (internal) {
      onOpen();
      void navigate({ href: internal });
    }
  };
  return (
    <Group
      gap="xs"
      px="md"
      py="sm"
      wrap="nowrap"
      align="flex-start"
      bg={unread ? 'var(--mantine-color-indigo-0)' : undefined}
      style={{ borderBottom: '1px solid var(--mantine-color-gray-1)' }}
    >
      <UnstyledButton onClick={open} style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" fw={unread ? 600 : 400}>
          {notification.title}
        </Text>
        {notification.body ? (
          <Text size="xs" c="dimmed" lineClamp={3}>
            {notification.body}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed" mt={2}>
          {dates.dateTime(notification.createdAt)}
        </Text>
      </UnstyledButton>
      {notification.link && !internal ? (
        <Anchor href={notification.link} target="_blank" rel="noopener noreferrer" size="xs">
          {t('notifications.open')}
        </Anchor>
      ) : null}
      {unread ? (
        <Button size="compact-xs" variant="light" onClick={() => read.mutate()} loading={read.isPending}>
          {t('notifications.markRead')}
        </Button>
      ) : null}
    </Group>
  );
}
