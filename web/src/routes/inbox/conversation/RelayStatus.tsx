import { Badge, Button, Group, Menu, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../../lib/errors.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys } from '../api/index.ts';
import type { ConversationDetail } from '../api/index.ts';

const RELAY_COLORS: Record<string, string> = { new: 'blue', sent: 'teal', acknowledged: 'violet', resolved: 'gray', failed: 'red' };

/** Relayed items of this conversation with their status, and "relay to a team". */
export function RelayStatus({ wid, data }: { wid: string; data: ConversationDetail }) {
  const { t } = useTranslation();
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const errorText = useErrorText();
  const routes = useQuery({ queryKey: inboxKeys.relayRoutes(wid), queryFn: () => inboxApi.relayRoutes(wid) });
  const relay = useMutation({
    mutationFn: (routeId: string) => inboxApi.relayConversation(wid, data.conversation.id, routeId),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all(wid) }),
  });
  const enabled = (routes.data?.routes ?? []).filter((r) => r.enabled);
  if (data.relay.length === 0 && (enabled.length === 0 || !can(role, 'inbox.reply'))) return null;
  return (
    <Stack gap={4} component="section" aria-label={t('inbox.relay.title')}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {t('inbox.relay.title')}
        </Text>
        {can(role, 'inbox.reply') && enabled.length > 0 ? (
          <Menu position="bottom-end">
            <Menu.Target>
              <Button size="compact-xs" variant="light" loading={relay.isPending}>
                {t('inbox.relay.send')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {enabled.map((route) => (
                <Menu.Item key={route.id} onClick={() => relay.mutate(route.id)}>
                  {route.name} — {route.team}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        ) : null}
      </Group>
      {data.relay.map((item) => (
        <Group key={item.id} gap={6} data-testid="relay-item">
          <Badge color={RELAY_COLORS[item.status]} size="sm">
            {t(`inbox.relay.status.${item.status}`)}
          </Badge>
          <Text size="xs">
            {item.team} · {item.routeName} · {item.reason} · {dates.dateTime(item.createdAt)}
          </Text>
          {item.error ? (
            <Text size="xs" c="red">
              {item.error}
            </Text>
          ) : null}
        </Group>
      ))}
      {relay.error ? <Text size="xs" c="red">{errorText(relay.error)}</Text> : null}
    </Stack>
  );
}
