import { Button, Group, Paper, Select, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../api/types.ts';
import { PRIORITIES } from './api/index.ts';
import type { ConversationChange, Priority } from './api/index.ts';
import { useInboxMutations } from './useInboxMutations.ts';

/** Actions on the selected conversations: close, reopen, assign, priority, tag. */
export function BulkBar({ wid, ids, members, onDone }: { wid: string; ids: string[]; members: Member[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { update } = useInboxMutations(wid);
  const [tag, setTag] = useState('');
  const apply = (change: ConversationChange) => update.mutate({ ids, change }, { onSuccess: onDone });
  return (
    <Paper withBorder p="xs" bg="blue.0" role="region" aria-label={t('inbox.bulk.title')}>
      <Group gap={6} wrap="wrap">
        <Text size="sm" fw={600}>
          {t('inbox.bulk.selected', { count: ids.length })}
        </Text>
        <Button size="compact-xs" onClick={() => apply({ status: 'closed' })} loading={update.isPending}>
          {t('inbox.bulk.close')}
        </Button>
        <Button size="compact-xs" variant="default" onClick={() => apply({ status: 'open' })}>
          {t('inbox.bulk.reopen')}
        </Button>
        <Select
          size="xs"
          w={130}
          aria-label={t('inbox.bulk.assign')}
          placeholder={t('inbox.bulk.assign')}
          data={[{ value: 'none', label: t('inbox.assign.nobody') }, ...members.map((m) => ({ value: m.user.id, label: m.user.name }))]}
          value={null}
          onChange={(v) => v && apply({ assigneeId: v === 'none' ? null : v })}
        />
        <Select
          size="xs"
          w={110}
          aria-label={t('inbox.bulk.priority')}
          placeholder={t('inbox.bulk.priority')}
          data={PRIORITIES.map((p) => ({ value: p, label: t(`inbox.priority.${p}`) }))}
          value={null}
          onChange={(v) => v && apply({ priority: v as Priority })}
        />
        <TextInput
          size="xs"
          w={110}
          aria-label={t('inbox.bulk.tag')}
          placeholder={t('inbox.bulk.tag')}
          value={tag}
          onChange={(e) => setTag(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && tag.trim()) {
              apply({ addTags: [tag.trim().toLowerCase()] });
              setTag('');
            }
          }}
        />
        <Button size="compact-xs" variant="subtle" onClick={onDone}>
          {t('inbox.bulk.clear')}
        </Button>
      </Group>
    </Paper>
  );
}
