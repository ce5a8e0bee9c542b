import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../../lib/errors.ts';
import { useWorkspaceDates } from '../../shell/workspace-context.ts';
import { inboxApi, inboxKeys } from '../api/index.ts';

/** Moderation actions on this conversation's messages, with Undo. */
export function ModerationLog({ wid, conversationId }: { wid: string; conversationId: string }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const errorText = useErrorText();
  const actions = useQuery({
    queryKey: [...inboxKeys.actions(wid), conversationId],
    queryFn: () => inboxApi.actions(wid, { conversationId }),
  });
  const undo = useMutation({
    mutationFn: (id: string) => inboxApi.undoAction(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all(wid) }),
  });
  const list = actions.data?.actions ?? [];
  if (list.length === 0) return null;
  return (
    <Stack gap={4} component="section" aria-label={t('inbox.moderationLog')}>
      <Text size="sm" fw={600}>
        {t('inbox.moderationLog')}
      </Text>
      {list.map((a) => (
        <Group key={a.id} gap={6} wrap="nowrap" data-testid="conversation-action">
          <Badge size="sm" color={a.state === 'undone' ? 'gray' : 'orange'} variant="light">
            {t(`inbox.moderation.action.${a.action}`, { defaultValue: a.action })}
          </Badge>
          <Text size="xs" style={{ flex: 1 }}>
            {a.ruleName ? t('inbox.moderation.log.byRule', { name: a.ruleName }) : t('inbox.moderation.log.byPerson', { name: a.actorName ?? '' })} ·{' '}
            {t(`inbox.moderation.state.${a.state}`)} · {dates.dateTime(a.at)}
            {a.note ? ` · ${a.note}` : ''}
          </Text>
          {a.undoable && a.state !== 'undone' ? (
            <Button size="compact-xs" variant="light" onClick={() => undo.mutate(a.id)} loading={undo.isPending}>
              {t('inbox.moderation.log.undo')}
            </Button>
          ) : null}
        </Group>
      ))}
      {undo.error ? <Text size="xs" c="red">{errorText(undo.error)}</Text> : null}
    </Stack>
  );
}
