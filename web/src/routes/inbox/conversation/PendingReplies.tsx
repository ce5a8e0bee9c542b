import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../../api/queries.ts';
import { useErrorText } from '../../../lib/errors.ts';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys } from '../api/index.ts';
import type { Reply } from '../api/index.ts';
import { Muted, useDuration, useNow } from '../inbox-ui.tsx';

/** Replies that are not sent yet (waiting for approval, delayed, failed, unknown) and their actions. */
export function PendingReplies({ wid, replies }: { wid: string; replies: Reply[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const { role } = useCurrentWorkspace();
  const client = useQueryClient();
  const errorText = useErrorText();
  const now = useNow();
  const duration = useDuration();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'approve' | 'reject' | 'cancel' | 'retry' }) =>
      inboxApi.replyAction(wid, id, action),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all(wid) }),
  });
  const pending = replies.filter((r) => ['needs_approval', 'delayed', 'failed', 'unknown', 'queued', 'sending'].includes(r.state));
  if (pending.length === 0) return null;
  const editable = can(role, 'inbox.reply');
  return (
    <Stack gap={6} component="section" aria-label={t('inbox.pending.title')}>
      <Text size="sm" fw={600}>
        {t('inbox.pending.title')}
      </Text>
      {pending.map((reply) => {
        const mine = reply.authorId === me.data?.user.id;
        const left = reply.sendAfter ? new Date(reply.sendAfter).getTime() - now : 0;
        return (
          <Paper key={reply.id} withBorder p="xs" bg="yellow.0" data-testid="pending-reply">
            <Group justify="space-between" wrap="nowrap">
              <Badge color={reply.state === 'failed' ? 'red' : 'yellow'} size="sm">
                {t(`inbox.replyState.${reply.state}`)}
                {reply.state === 'delayed' && left > 0 ? ` · ${duration(left)}` : ''}
              </Badge>
              {editable ? (
                <Group gap={4}>
                  {reply.state === 'needs_approval' && !mine ? (
                    <>
                      <Button size="compact-xs" onClick={() => act.mutate({ id: reply.id, action: 'approve' })}>
                        {t('inbox.pending.approve')}
                      </Button>
                      <Button size="compact-xs" color="red" variant="light" onClick={() => act.mutate({ id: reply.id, action: 'reject' })}>
                        {t('inbox.pending.reject')}
                      </Button>
                    </>
                  ) : null}
                  {reply.state === 'delayed' ? (
                    <Button size="compact-xs" color="orange" onClick={() => act.mutate({ id: reply.id, action: 'cancel' })}>
                      {t('inbox.guard.undo')}
                    </Button>
                  ) : null}
                  {reply.state === 'failed' ? (
                    <Button size="compact-xs" onClick={() => act.mutate({ id: reply.id, action: 'retry' })}>
                      {t('inbox.pending.retry')}
                    </Button>
                  ) : null}
                </Group>
              ) : null}
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {reply.text}
            </Text>
            {reply.state === 'needs_approval' && mine ? <Muted>{t('inbox.pending.waitingOther')}</Muted> : null}
            {reply.guard.reasons.length ? <Muted>{reply.guard.reasons.map((r) => r.message).join(' · ')}</Muted> : null}
            {reply.error ? (
              <Text size="xs" c="red">
                {reply.error}
              </Text>
            ) : null}
          </Paper>
        );
      })}
      {act.error ? <Text size="xs" c="red">{errorText(act.error)}</Text> : null}
    </Stack>
  );
}
