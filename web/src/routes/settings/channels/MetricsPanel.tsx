import { Badge, Button, CloseButton, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelMetrics } from '../../../api/types.ts';
import { Section } from '../../../components/Section.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi } from './channels-api.ts';

const COLUMNS = ['likes', 'reposts', 'replies', 'quotes'] as const;

/** Likes, reposts, replies and quotes of posts published from this page, or of any id entered. */
export function MetricsPanel({ channel, sessionIds }: { channel: Channel; sessionIds: string[] }) {
  const { t, i18n } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [manual, setManual] = useState<string[]>([]);
  const [entry, setEntry] = useState('');
  const ids = [...new Set([...sessionIds, ...manual])];
  const fetchMetrics = useMutation({ mutationFn: () => channelsApi.metrics(workspace.id, channel.id, ids) });
  const number = new Intl.NumberFormat(i18n.language);
  const add = (event: FormEvent) => {
    event.preventDefault();
    const value = entry.trim();
    if (value && !ids.includes(value)) setManual((m) => [...m, value]);
    setEntry('');
  };
  const rows: ChannelMetrics[] = fetchMetrics.data?.metrics ?? [];
  return (
    <Section title={t('channels.metrics.title')} description={t('channels.metrics.description')}>
      <form onSubmit={add}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t('channels.metrics.remoteId')}
            description={t('channels.metrics.remoteIdHelp')}
            value={entry}
            onChange={(e) => setEntry(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button type="submit" variant="default" disabled={!entry.trim()}>
            {t('channels.metrics.add')}
          </Button>
        </Group>
      </form>
      {ids.length > 0 ? (
        <Group gap={6}>
          {ids.map((id) => (
            <Badge
              key={id}
              variant="light"
              color="gray"
              style={{ textTransform: 'none' }}
              rightSection={
                manual.includes(id) ? (
                  <CloseButton size="xs" aria-label={t('channels.metrics.removeId', { id })} onClick={() => setManual((m) => m.filter((x) => x !== id))} />
                ) : null
              }
            >
              {id}
            </Badge>
          ))}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {t('channels.metrics.noIds')}
        </Text>
      )}
      <Group justify="flex-end">
        <Button onClick={() => fetchMetrics.mutate()} disabled={ids.length === 0} loading={fetchMetrics.isPending}>
          {t('channels.metrics.fetch')}
        </Button>
      </Group>
      <ChannelErrorAlert error={fetchMetrics.error} />
      {rows.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table data-testid="metrics-table" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('channels.metrics.post')}</Table.Th>
                {COLUMNS.map((c) => (
                  <Table.Th key={c} ta="right">
                    {t(`channels.metrics.${c}`)}
                  </Table.Th>
                ))}
                <Table.Th>{t('channels.metrics.fetchedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.remoteId}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {row.remoteId}
                    </Text>
                  </Table.Td>
                  {COLUMNS.map((c) => (
                    <Table.Td key={c} ta="right" title={row.fields[c] ?? undefined}>
                      {row.values[c] === undefined ? '—' : number.format(row.values[c])}
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Text size="xs">{dates.dateTime(row.fetchedAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Section>
  );
}
