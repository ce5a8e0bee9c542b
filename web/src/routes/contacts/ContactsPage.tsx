import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { LEAD_STATUSES, can, inboxApi, inboxKeys } from '../inbox/api/index.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { CrmWebhookCard } from './CrmWebhookCard.tsx';

/** Contacts: one person across networks; search by handle or name, tag and lead status; CSV export and the CRM webhook for managers. */
export function ContactsPage() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/contacts' });
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [leadStatus, setLeadStatus] = useState<string | null>(null);
  const params = { q: q.trim() || undefined, tag: tag.trim().toLowerCase() || undefined, leadStatus: leadStatus ?? undefined };
  const list = useInfiniteQuery({
    queryKey: [...inboxKeys.contacts(wid), params],
    queryFn: ({ pageParam }) => inboxApi.contacts(wid, params, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const contacts = list.data?.pages.flatMap((p) => p.contacts) ?? [];
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('inbox.contacts.title')}
        </Title>
        {can(role, 'inbox.manage') ? (
          <Anchor href={inboxApi.contactsCsvUrl(wid)} download>
            {t('inbox.contacts.export')}
          </Anchor>
        ) : null}
      </Group>
      <Group align="flex-end">
        <TextInput label={t('inbox.contacts.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={260} />
        <TextInput label={t('inbox.contacts.tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} w={160} />
        <Select
          label={t('inbox.contacts.leadStatus')}
          data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`inbox.contacts.lead.${s}`) }))}
          value={leadStatus}
          onChange={setLeadStatus}
          clearable
          w={180}
        />
      </Group>
      <ErrorAlert error={list.error} />
      {list.data && contacts.length === 0 ? <Text c="dimmed">{t('inbox.contacts.empty')}</Text> : null}
      {contacts.length > 0 ? (
        <Table highlightOnHover bg="white" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('inbox.contacts.person')}</Table.Th>
              <Table.Th>{t('inbox.contacts.followers')}</Table.Th>
              <Table.Th>{t('inbox.contacts.tags')}</Table.Th>
              <Table.Th>{t('inbox.contacts.leadStatus')}</Table.Th>
              <Table.Th>{t('inbox.contacts.lastSeen')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {contacts.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <RouterAnchor to="/w/$wid/contacts/$cid" params={{ wid, cid: c.id }}>
                    {c.displayName ?? `@${c.handle}`}
                  </RouterAnchor>
                  <Text size="xs" c="dimmed">
                    @{c.handle}
                  </Text>
                </Table.Td>
                <Table.Td>{c.followers ?? '—'}</Table.Td>
                <Table.Td>{c.tags.join(', ')}</Table.Td>
                <Table.Td>{c.leadStatus ? t(`inbox.contacts.lead.${c.leadStatus}`) : '—'}</Table.Td>
                <Table.Td>{dates.dateTime(c.lastSeenAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {list.hasNextPage ? (
        <Button variant="default" w="fit-content" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('inbox.list.loadMore')}
        </Button>
      ) : null}
      {can(role, 'inbox.manage') ? <CrmWebhookCard wid={wid} /> : null}
    </Stack>
  );
}
