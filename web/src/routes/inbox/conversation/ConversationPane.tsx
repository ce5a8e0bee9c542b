import { Center, Divider, Loader, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { RefObject } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../api/types.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys } from '../api/index.ts';
import type { ConversationDetail } from '../api/index.ts';
import { Muted, useDuration } from '../inbox-ui.tsx';
import { usePresence } from '../usePresence.ts';
import { ConversationHeader } from './ConversationHeader.tsx';
import { MessageList } from './MessageList.tsx';
import { ModerationLog } from './ModerationLog.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { PendingReplies } from './PendingReplies.tsx';
import { RelayStatus } from './RelayStatus.tsx';
import { ReplyBox } from './ReplyBox.tsx';

/*
 * The conversation pane, split by use case: ConversationHeader (+ ConversationControls) for who/status/actions,
 * MessageList for the context and messages, PendingReplies + ReplyBox for the composer and its reply guard,
 * RelayStatus and ModerationLog for what happened to it, NotesPanel for the internal notes.
 */

/** One conversation: the original post as context, messages oldest → newest (as text), controls, relay, notes, reply. */
export function ConversationPane({
  wid,
  id,
  replyRef,
  members,
}: {
  wid: string;
  id: string;
  replyRef: RefObject<HTMLTextAreaElement | null>;
  members: Member[];
}) {
  const { t } = useTranslation();
  const { role } = useCurrentWorkspace();
  const detail = useQuery({ queryKey: inboxKeys.conversation(wid, id), queryFn: () => inboxApi.conversation(wid, id), staleTime: 2_000 });
  const presence = usePresence(wid, id, detail.data?.presence ?? []);
  // The reply the box below shows as held (with its Undo): the pending list leaves it out.
  const [heldId, setHeldId] = useState<string | null>(null);

  if (detail.isPending) {
    return (
      <Center h="100%">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const data = detail.data;

  return (
    <Paper withBorder h="100%" style={{ display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
      <ConversationHeader wid={wid} data={data} members={members} others={presence.others} />

      <ScrollArea style={{ flex: 1 }} type="auto" p="sm">
        <Stack gap="sm" pr="sm">
          <MessageList wid={wid} data={data} />
          <PendingReplies wid={wid} replies={data.replies.filter((r) => r.id !== heldId)} />
          <RelayStatus wid={wid} data={data} />
          {can(role, 'moderation.manage') ? <ModerationLog wid={wid} conversationId={id} /> : null}
          <NotesPanel wid={wid} conversationId={id} notes={data.notes} members={members} />
          <FirstResponse data={data} />
        </Stack>
      </ScrollArea>

      {can(role, 'inbox.reply') ? (
        <ReplyBox wid={wid} data={data} replyRef={replyRef} onTyping={presence.typing} onHeld={setHeldId} />
      ) : (
        <Text size="sm" c="dimmed" p="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          {t('inbox.reply.readOnly')}
        </Text>
      )}
    </Paper>
  );
}

function FirstResponse({ data }: { data: ConversationDetail }) {
  const { t } = useTranslation();
  const duration = useDuration();
  const c = data.conversation;
  if (c.firstResponseSeconds === null && c.resolutionSeconds === null) return null;
  return (
    <>
      <Divider />
      <Muted>
        {c.firstResponseSeconds !== null ? t('inbox.sla.firstResponse', { time: duration(c.firstResponseSeconds * 1000) }) : ''}
        {c.resolutionSeconds !== null ? ` · ${t('inbox.sla.resolution', { time: duration(c.resolutionSeconds * 1000) })}` : ''}
      </Muted>
    </>
  );
}
