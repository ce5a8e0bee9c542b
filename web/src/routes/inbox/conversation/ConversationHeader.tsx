import { Alert, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../api/types.ts';
import { RouterAnchor } from '../../../components/RouterLinks.tsx';
import type { ConversationDetail, Presence } from '../api/index.ts';
import { SlaBadge, authorLabel } from '../inbox-ui.tsx';
import { ConversationControls } from './ConversationControls.tsx';

/** Who wrote, kind, status and SLA, the controls (status, snooze, assignee, priority, tags), and teammates present. */
export function ConversationHeader({
  wid,
  data,
  members,
  others,
}: {
  wid: string;
  data: ConversationDetail;
  members: Member[];
  others: Presence[];
}) {
  const { t } = useTranslation();
  const conversation = data.conversation;
  return (
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
      <ConversationControls wid={wid} data={data} members={members} />
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
  );
}
