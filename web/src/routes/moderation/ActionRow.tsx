import { ActionIcon, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ACTION_TYPES, useSavedReplies } from '../inbox/api/index.ts';
import type { RuleAction, RuleActionType } from '../inbox/api/index.ts';
import { defaultAction } from './rule-defaults.ts';

/** One action of a rule: its type, the type's parameters (tag, assignee, saved reply, priority, who to notify), and remove. */
export function ActionRow({
  wid,
  index,
  action,
  onChange,
  onRemove,
}: {
  wid: string;
  index: number;
  action: RuleAction;
  onChange: (a: RuleAction) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const members = useQuery({ queryKey: keys.members(wid), queryFn: () => api.members(wid) });
  const saved = useSavedReplies(wid);
  const people = (members.data?.members ?? []).map((m) => ({ value: m.user.id, label: m.user.name }));
  const n = index + 1;
  let params: ReactNode = null;
  if (action.type === 'tag') {
    params = <TextInput label={t('inbox.moderation.tag', { n })} value={action.tag} onChange={(e) => onChange({ ...action, tag: e.currentTarget.value })} />;
  } else if (action.type === 'assign') {
    params = (
      <Select label={t('inbox.moderation.assignTo', { n })} data={people} value={action.userId || null} onChange={(v) => onChange({ ...action, userId: v ?? '' })} />
    );
  } else if (action.type === 'auto_reply') {
    params = (
      <Select
        label={t('inbox.moderation.savedReply', { n })}
        data={(saved.data?.savedReplies ?? []).map((r) => ({ value: r.id, label: r.name }))}
        value={action.savedReplyId || null}
        onChange={(v) => onChange({ ...action, savedReplyId: v ?? '' })}
      />
    );
  } else if (action.type === 'escalate') {
    params = (
      <Select
        label={t('inbox.moderation.priority', { n })}
        data={(['high', 'urgent'] as const).map((p) => ({ value: p, label: t(`inbox.priority.${p}`) }))}
        value={action.priority ?? 'high'}
        onChange={(v) => onChange({ ...action, priority: (v as 'high' | 'urgent') ?? 'high' })}
        allowDeselect={false}
      />
    );
  } else if (action.type === 'notify') {
    params = (
      <MultiSelect
        style={{ flex: 1 }}
        label={t('inbox.moderation.notifyWho', { n })}
        placeholder={t('inbox.moderation.notifyManagers')}
        data={people}
        value={action.userIds ?? []}
        onChange={(v) => onChange({ ...action, userIds: v.length ? v : undefined })}
      />
    );
  }
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap" data-testid="action">
      <Select
        w={170}
        label={t('inbox.moderation.actionN', { n })}
        data={ACTION_TYPES.map((type) => ({ value: type, label: t(`inbox.moderation.action.${type}`) }))}
        value={action.type}
        onChange={(v) => v && onChange(defaultAction(v as RuleActionType))}
        allowDeselect={false}
      />
      {params}
      {onRemove ? (
        <ActionIcon mb={4} variant="subtle" color="red" onClick={onRemove} aria-label={t('inbox.moderation.removeAction', { n })}>
          ×
        </ActionIcon>
      ) : null}
    </Group>
  );
}
