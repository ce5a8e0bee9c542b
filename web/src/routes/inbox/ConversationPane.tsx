import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  Menu,
  Paper,
  ScrollArea,
  Select,
  Stack,
  TagsInput,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/queries.ts';
import type { Member } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { safeUrl } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { PRIORITIES, can, inboxApi, inboxKeys } from './inbox-api.ts';
import type { ConversationDetail, Message, Priority, Reply } from './inbox-api.ts';
import { Muted, SentimentBadge, SlaBadge, authorLabel, useDuration, useNow } from './inbox-ui.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { usePresence } from './usePresence.ts';
import { useInboxMutations } from './useInboxMutations.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

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

  if (detail.isPending) {
    return (
      <Center h="100%">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const data = detail.data;
  const conversation = data.conversation;
  const others = presence.others;

  return (
    <Paper withBorder h="100%" style={{ display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
      <Stack gap={6} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Title order={2} size="h4" style={{ wordBreak: 'break-word' }}>
              {authorLabel(conversation.contact, t('inbox.unknownAuthor'))}
            </Title>
            <Group gap={6}>
              <Badge variant="light" size="sm">
                {t(`inbox.kind.${conversation.kind}`, { defaultValue: conversation.kind })}
              </Badge>
              <Badge variant="outline" size="sm" color={conversation.status === 'closed' ? 'gray' : 'blue'} data-testid="status">
                {t(`inbox.status.${conversation.status}`)}
              </Badge>
              <SlaBadge sla={conversation.sla} live />
              {conversation.contact ? (
                <RouterAnchor size="xs" to="/w/$wid/contacts/$cid" params={{ wid, cid: conversation.contact.id }}>
                  {t('inbox.conversation.profile')}
                </RouterAnchor>
              ) : null}
            </Group>
          </div>
        </Group>
        <Controls wid={wid} data={data} members={members} />
        {others.length > 0 ? (
          <Alert color="yellow" variant="light" p={6} data-testid="presence" role="status">
            <Text size="sm">
              {others
                .map((p) =>
                  p.state === 'typing' ? t('inbox.presence.typing', { name: p.name }) : t('inbox.presence.viewing', { name: p.name }),
                )
                .join(' · ')}
            </Text>
          </Alert>
        ) : null}
      </Stack>

      <ScrollArea style={{ flex: 1 }} type="auto" p="sm">
        <Stack gap="sm" pr="sm">
          {conversation.context?.text || conversation.context?.url ? <Context context={conversation.context} /> : null}
          <Stack gap="xs" role="list" aria-label={t('inbox.conversation.messages')}>
            {data.messages.map((message) => (
              <MessageCard key={message.id} wid={wid} conversationId={id} message={message} />
            ))}
          </Stack>
          <PendingReplies wid={wid} replies={data.replies} />
          <RelayStatus wid={wid} data={data} />
          {can(role, 'moderation.manage') ? <ModerationLog wid={wid} conversationId={id} /> : null}
          <NotesPanel wid={wid} conversationId={id} notes={data.notes} members={members} />
          <FirstResponse data={data} />
        </Stack>
      </ScrollArea>

      {can(role, 'inbox.reply') ? (
        <ReplyBox wid={wid} data={data} replyRef={replyRef} onTyping={presence.typing} />
      ) : (
        <Text size="sm" c="dimmed" p="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          {t('inbox.reply.readOnly')}
        </Text>
      )}
    </Paper>
  );
}

function Context({ context }: { context: NonNullable<ConversationDetail['conversation']['context']> }) {
  const { t } = useTranslation();
  const href = safeUrl(context.url);
  return (
    <Paper p="xs" bg="gray.0" withBorder aria-label={t('inbox.conversation.context')} component="section">
      <Muted>
        {t('inbox.conversation.context')}
        {context.authorHandle ? ` · @${context.authorHandle}` : ''}
      </Muted>
      {context.text ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="context-text">
          {context.text}
        </Text>
      ) : null}
      {href ? (
        <Anchor size="xs" href={href} target="_blank" rel="noopener noreferrer">
          {t('inbox.conversation.openOriginal')}
        </Anchor>
      ) : null}
    </Paper>
  );
}

function MessageCard({ wid, conversationId, message }: { wid: string; conversationId: string; message: Message }) {
  const { t } = useTranslation();
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const errorText = useErrorText();
  const moderate = useMutation({
    mutationFn: (action: 'hide' | 'unhide' | 'delete' | 'block') => inboxApi.moderateMessage(wid, message.id, action),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: inboxKeys.conversation(wid, conversationId) });
      void client.invalidateQueries({ queryKey: inboxKeys.actions(wid) });
    },
  });
  const out = message.direction === 'out';
  const author = message.author.name ? `${message.author.name} (@${message.author.handle})` : `@${message.author.handle}`;
  const href = safeUrl(message.url);
  return (
    <Paper
      role="listitem"
      data-testid="message"
      data-hidden={message.hidden ? 'true' : 'false'}
      p="xs"
      withBorder
      ml={out ? 'xl' : 0}
      mr={out ? 0 : 'xl'}
      bg={out ? 'blue.0' : message.hidden ? 'gray.1' : 'white'}
      style={{ opacity: message.deleted ? 0.6 : 1 }}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={600} truncate>
          {out ? t('inbox.message.fromBrand', { handle: message.author.handle }) : author}
        </Text>
        <Group gap={4} wrap="nowrap" style={{ flex: 'none' }}>
          {message.hidden ? (
            <Badge color="gray" size="sm" variant="filled" data-testid="hidden-badge">
              {t('inbox.message.hidden')}
            </Badge>
          ) : null}
          {message.deleted ? (
            <Badge color="red" size="sm" variant="filled">
              {t('inbox.message.deleted')}
            </Badge>
          ) : null}
          <Text size="xs" c="dimmed">
            {dates.dateTime(message.createdAt)}
          </Text>
          {!out && can(role, 'moderation.manage') ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size="compact-xs" variant="subtle" color="gray" aria-label={t('inbox.message.moderate', { author })}>
                  ⋯
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {message.hidden ? (
                  <Menu.Item onClick={() => moderate.mutate('unhide')}>{t('inbox.message.unhide')}</Menu.Item>
                ) : (
                  <Menu.Item onClick={() => moderate.mutate('hide')}>{t('inbox.message.hide')}</Menu.Item>
                )}
                <Menu.Item onClick={() => moderate.mutate('block')}>{t('inbox.message.block')}</Menu.Item>
                <Menu.Item color="red" onClick={() => moderate.mutate('delete')}>
                  {t('inbox.message.delete')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
      </Group>
      {message.hidden ? (
        <Text size="xs" c="dimmed" fs="italic">
          {t('inbox.message.hiddenNote')}
        </Text>
      ) : null}
      <Text
        size="sm"
        c={message.hidden ? 'dimmed' : undefined}
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
        data-testid="message-text"
      >
        {message.text}
      </Text>
      <Group gap={4} mt={4}>
        {!out ? <SentimentBadge sentiment={message.sentiment} /> : null}
        {message.toxic ? (
          <Badge color="red" size="xs" variant="light">
            {t('inbox.message.toxic', { score: Math.round((message.toxicity ?? 0) * 100) })}
          </Badge>
        ) : null}
        {message.profanity ? (
          <Badge color="orange" size="xs" variant="light">
            {t('inbox.message.profanity')}
          </Badge>
        ) : null}
        {(message.intents ?? [])
          .filter((i) => i !== 'other')
          .map((intent) => (
            <Badge key={intent} color="grape" size="xs" variant="light">
              {t(`inbox.intent.${intent}`, { defaultValue: intent })}
            </Badge>
          ))}
        {message.language ? (
          <Badge color="gray" size="xs" variant="outline">
            {message.language}
          </Badge>
        ) : null}
        {href ? (
          <Anchor size="xs" href={href} target="_blank" rel="noopener noreferrer">
            {t('inbox.message.open')}
          </Anchor>
        ) : null}
      </Group>
      {moderate.error ? <Text size="xs" c="red">{errorText(moderate.error)}</Text> : null}
    </Paper>
  );
}

/** Status, assignee, priority, snooze and tags of the conversation (read-only for roles that cannot reply). */
function Controls({ wid, data, members }: { wid: string; data: ConversationDetail; members: Member[] }) {
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

/** Replies that are not sent yet (waiting for approval, delayed, failed, unknown) and their actions. */
function PendingReplies({ wid, replies }: { wid: string; replies: Reply[] }) {
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

const RELAY_COLORS: Record<string, string> = { new: 'blue', sent: 'teal', acknowledged: 'violet', resolved: 'gray', failed: 'red' };

/** Relayed items of this conversation with their status, and "relay to a team". */
function RelayStatus({ wid, data }: { wid: string; data: ConversationDetail }) {
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

/** Moderation actions on this conversation's messages, with Undo. */
function ModerationLog({ wid, conversationId }: { wid: string; conversationId: string }) {
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
