import { Alert, Button, Checkbox, Group, List, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RefObject } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { useErrorText } from '../../../lib/errors.ts';
import { inboxApi, inboxKeys, useSavedReplies } from '../api/index.ts';
import type { ConversationDetail, Guard, Reply } from '../api/index.ts';
import { useDuration, useNow } from '../inbox-ui.tsx';

interface Attempt {
  text: string;
  close: boolean;
  acknowledgeWarnings?: boolean;
  confirmCollision?: boolean;
}

/**
 * The reply box: saved replies (variables filled by the API), Ctrl+Enter to send, the reply guard's
 * answer (warn with reasons → send anyway; approval → waits; delay → countdown with Undo) and the
 * collision guard ("a teammate just replied — send anyway?").
 */
export function ReplyBox({
  wid,
  data,
  replyRef,
  onTyping,
  onHeld,
}: {
  wid: string;
  data: ConversationDetail;
  replyRef: RefObject<HTMLTextAreaElement | null>;
  onTyping: () => void;
  /** The reply held under the box (delayed or awaiting approval), so the pending list does not show it twice. */
  onHeld?: (replyId: string | null) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const saved = useSavedReplies(wid);
  const id = data.conversation.id;
  const [text, setText] = useState('');
  const [close, setClose] = useState(false);
  const [warned, setWarned] = useState<{ guard: Guard; attempt: Attempt } | null>(null);
  const [collision, setCollision] = useState<Attempt | null>(null);
  const [held, setHeld] = useState<{ guard: Guard; reply: Reply } | null>(null);
  const heldId = held?.reply.id ?? null;
  useEffect(() => onHeld?.(heldId), [heldId, onHeld]);

  const send = useMutation({
    mutationFn: (attempt: Attempt) =>
      inboxApi.reply(wid, id, {
        text: attempt.text,
        close: attempt.close || undefined,
        acknowledgeWarnings: attempt.acknowledgeWarnings,
        confirmCollision: attempt.confirmCollision,
      }),
    onSuccess: (answer, attempt) => {
      setWarned(null);
      setCollision(null);
      if (answer.guard.result === 'warn' && !answer.reply) {
        setWarned({ guard: answer.guard, attempt });
        return;
      }
      setText('');
      void client.invalidateQueries({ queryKey: inboxKeys.all(wid) });
      if (answer.reply && (answer.guard.result === 'delayed' || answer.guard.result === 'needs_approval')) {
        setHeld({ guard: answer.guard, reply: answer.reply });
        return;
      }
      setHeld(null);
      if (answer.reply?.state === 'failed') {
        notifications.show({ color: 'red', title: t('inbox.reply.failed'), message: answer.reply.error ?? '' });
      } else {
        notifications.show({ color: 'teal', message: t('inbox.reply.sent') });
      }
    },
    onError: (error, attempt) => {
      if (error instanceof ApiError && error.code === 'reply_collision') setCollision(attempt);
    },
  });

  const cancel = useMutation({
    mutationFn: (replyId: string) => inboxApi.replyAction(wid, replyId, 'cancel'),
    onSuccess: (reply) => {
      setHeld(null);
      setText(reply.text);
      void client.invalidateQueries({ queryKey: inboxKeys.all(wid) });
      notifications.show({ message: t('inbox.guard.undone') });
    },
  });

  const insertSaved = useMutation({
    mutationFn: (rid: string) => inboxApi.renderSaved(wid, id, rid),
    onSuccess: (answer) => {
      setText((current) => (current.trim() ? `${current.trimEnd()}\n${answer.text}` : answer.text));
      setTimeout(() => replyRef.current?.focus(), 0);
    },
  });

  const submit = () => {
    if (!text.trim() || send.isPending) return;
    send.mutate({ text: text.trim(), close });
  };

  const showError = send.error && !(send.error instanceof ApiError && send.error.code === 'reply_collision');

  return (
    <Stack gap={6} p="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }} component="section" aria-label={t('inbox.reply.title')}>
      {warned ? (
        <Alert color="orange" title={t('inbox.guard.warnTitle')} role="alert" data-testid="guard-warn">
          <List size="sm">
            {warned.guard.reasons.map((reason) => (
              <List.Item key={reason.code + reason.message}>
                {t(`inbox.guard.reason.${reason.code}`, { defaultValue: reason.code })} — {reason.message}
              </List.Item>
            ))}
          </List>
          <Group gap="xs" mt="xs">
            <Button size="compact-sm" color="orange" onClick={() => send.mutate({ ...warned.attempt, acknowledgeWarnings: true })}>
              {t('inbox.guard.sendAnyway')}
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => setWarned(null)}>
              {t('inbox.guard.edit')}
            </Button>
          </Group>
        </Alert>
      ) : null}
      {held ? <HeldReply held={held} onUndo={() => cancel.mutate(held.reply.id)} undoing={cancel.isPending} onDone={() => setHeld(null)} /> : null}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          size="xs"
          w={220}
          label={t('inbox.reply.saved')}
          placeholder={t('inbox.reply.savedPlaceholder')}
          data={(saved.data?.savedReplies ?? []).map((r) => ({ value: r.id, label: r.shortcut ? `${r.name} (/${r.shortcut})` : r.name }))}
          value={null}
          onChange={(v) => v && insertSaved.mutate(v)}
          searchable
          nothingFoundMessage={t('inbox.reply.noSaved')}
        />
        <Checkbox size="xs" label={t('inbox.reply.closeAfter')} checked={close} onChange={(e) => setClose(e.currentTarget.checked)} />
      </Group>
      <Textarea
        ref={replyRef}
        label={t('inbox.reply.label')}
        placeholder={t('inbox.reply.placeholder')}
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          onTyping();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          } else if (e.key === 'Escape') {
            e.currentTarget.blur();
          }
        }}
        aria-keyshortcuts="r"
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('inbox.reply.hint')}
        </Text>
        <Button size="xs" onClick={submit} loading={send.isPending} disabled={!text.trim()}>
          {t('inbox.reply.send')}
        </Button>
      </Group>
      {showError ? (
        <Text size="sm" c="red" role="alert">
          {errorText(send.error)}
        </Text>
      ) : null}
      <Modal opened={collision !== null} onClose={() => setCollision(null)} title={t('inbox.collision.title')} size="sm">
        <Text size="sm">{t('inbox.collision.body')}</Text>
        <Group justify="flex-end" mt="md" gap="xs">
          <Button variant="default" onClick={() => setCollision(null)}>
            {t('common.cancel')}
          </Button>
          <Button data-autofocus onClick={() => collision && send.mutate({ ...collision, confirmCollision: true })} loading={send.isPending}>
            {t('inbox.collision.send')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** A reply held by the guard: waiting for approval, or delayed with an Undo countdown. */
function HeldReply({
  held,
  onUndo,
  undoing,
  onDone,
}: {
  held: { guard: Guard; reply: Reply };
  onUndo: () => void;
  undoing: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const now = useNow(500);
  const duration = useDuration();
  if (held.guard.result === 'needs_approval') {
    return (
      <Alert color="blue" title={t('inbox.guard.approvalTitle')} role="status" withCloseButton onClose={onDone} data-testid="guard-approval">
        <Text size="sm">{t('inbox.guard.approvalBody')}</Text>
        {held.guard.reasons.length ? (
          <Text size="xs" c="dimmed">
            {held.guard.reasons.map((r) => r.message).join(' · ')}
          </Text>
        ) : null}
      </Alert>
    );
  }
  const until = held.guard.undoUntil ? new Date(held.guard.undoUntil).getTime() : now;
  const left = until - now;
  if (left <= 0) {
    return (
      <Alert color="teal" role="status" withCloseButton onClose={onDone}>
        {t('inbox.guard.delayedSent')}
      </Alert>
    );
  }
  return (
    <Alert color="yellow" title={t('inbox.guard.delayedTitle')} role="status" data-testid="guard-delayed">
      <Group justify="space-between">
        <Text size="sm">{t('inbox.guard.delayedBody', { time: duration(left) })}</Text>
        <Button size="compact-sm" color="orange" onClick={onUndo} loading={undoing}>
          {t('inbox.guard.undo')}
        </Button>
      </Group>
    </Alert>
  );
}
