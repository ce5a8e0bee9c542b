import { Anchor, Badge, Button, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../../lib/errors.ts';
import { safeUrl } from '../../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys } from '../api/index.ts';
import type { ConversationDetail, Message } from '../api/index.ts';
import { Muted, SentimentBadge } from '../inbox-ui.tsx';
import { Stars } from '../Stars.tsx';

/** The original post as context, then the messages oldest → newest, as text, with per-message moderation. */
export function MessageList({ wid, data }: { wid: string; data: ConversationDetail }) {
  const { t } = useTranslation();
  const conversation = data.conversation;
  return (
    <>
      {conversation.context?.text || conversation.context?.url ? <Context context={conversation.context} /> : null}
      <Stack gap="xs" role="list" aria-label={t('inbox.conversation.messages')}>
        {data.messages.map((message) => (
          <MessageCard key={message.id} wid={wid} conversationId={conversation.id} message={message} />
        ))}
      </Stack>
    </>
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
      {message.rating !== null && message.rating !== undefined ? (
        <Group gap={6} my={2}>
          <Stars rating={message.rating} />
          {/* A review's later version arrives as another message of its conversation (docs/inbox.md). */}
          {message.kind !== 'review' ? (
            <Badge size="xs" variant="light" color="yellow" data-testid="review-edited">
              {t('google.reviewEdited')}
            </Badge>
          ) : null}
        </Group>
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
