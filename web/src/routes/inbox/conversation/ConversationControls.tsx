import { Button, Group, Menu, Select, TagsInput, Text } from '@mantine/core';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../api/types.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { PRIORITIES, can } from '../api/index.ts';
import type { ConversationDetail, Priority } from '../api/index.ts';
import { useInboxMutations } from '../useInboxMutations.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Status, assignee, priority, snooze and tags of the conversation (read-only for roles that cannot reply). */
export function ConversationControls({ wid, data, members }: { wid: string; data: ConversationDetail; members: Member[] }) {
  const { t } = useTranslation();
  const { role, workspace } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const { update } = useInboxMutations(wid);
  const conversation = data.conversation;
  const editable = can(role, 'inbox.reply');
  const change = (c: Parameters<typeof update.mutate>[0]['change']) => update.mutate({ ids: [conversation.id], change: c });
  const zone = workspace.timezone;
  const snoozeOptions: [string, string][] = [
    ['1h', dayjs().add(1, 'hour').toISOString()],
    ['4h', dayjs().add(4, 'hour').toISOString()],
    ['tomorrow', dayjs().tz(zone).add(1, 'day').hour(9).minute(0).second(0).toISOString()],
    ['nextWeek', dayjs().tz(zone).add(7 - ((dayjs().tz(zone).day() + 6) % 7), 'day').hour(9).minute(0).second(0).toISOString()],
  ];

  if (!editable) {
    return (
      <Text size="sm" c="dimmed">
        {t('inbox.controls.assignee')}: {conversation.assignee?.name ?? t('inbox.assign.nobody')} · {t('inbox.controls.priority')}:{' '}
        {t(`inbox.priority.${conversation.priority}`)}
        {conversation.tags.length ? ` · ${conversation.tags.join(', ')}` : ''}
      </Text>
    );
  }
  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <Button
        size="xs"
        variant={conversation.status === 'closed' ? 'default' : 'filled'}
        onClick={() => change({ status: conversation.status === 'closed' ? 'open' : 'closed' })}
        aria-keyshortcuts="e"
      >
        {conversation.status === 'closed' ? t('inbox.controls.reopen') : t('inbox.controls.close')}
      </Button>
      <Menu position="bottom-start">
        <Menu.Target>
          <Button size="xs" variant="default">
            {conversation.status === 'snoozed' && conversation.snoozedUntil
              ? t('inbox.controls.snoozedUntil', { when: dates.dateTime(conversation.snoozedUntil) })
              : t('inbox.controls.snooze')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {snoozeOptions.map(([key, until]) => (
            <Menu.Item key={key} onClick={() => change({ status: 'snoozed', snoozedUntil: until })}>
              {t(`inbox.snooze.${key}`)} — {dates.dateTime(until)}
            </Menu.Item>
          ))}
          <Menu.Item onClick={() => change({ status: 'pending' })}>{t('inbox.controls.pending')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Select
        size="xs"
        w={160}
        label={t('inbox.controls.assignee')}
        data={[{ value: 'none', label: t('inbox.assign.nobody') }, ...members.map((m) => ({ value: m.user.id, label: m.user.name }))]}
        value={conversation.assignee?.id ?? 'none'}
        onChange={(v) => v && change({ assigneeId: v === 'none' ? null : v })}
        allowDeselect={false}
        aria-keyshortcuts="a"
      />
      <Select
        size="xs"
        w={110}
        label={t('inbox.controls.priority')}
        data={PRIORITIES.map((p) => ({ value: p, label: t(`inbox.priority.${p}`) }))}
        value={conversation.priority}
        onChange={(v) => v && change({ priority: v as Priority })}
        allowDeselect={false}
      />
      <TagsInput
        size="xs"
        w={200}
        label={t('inbox.controls.tags')}
        value={conversation.tags}
        onChange={(next) => {
          const lower = next.map((x) => x.trim().toLowerCase()).filter(Boolean);
          const addTags = lower.filter((x) => !conversation.tags.includes(x));
          const removeTags = conversation.tags.filter((x) => !lower.includes(x));
          if (addTags.length || removeTags.length) {
            change({ ...(addTags.length ? { addTags } : {}), ...(removeTags.length ? { removeTags } : {}) });
          }
        }}
      />
    </Group>
  );
}
