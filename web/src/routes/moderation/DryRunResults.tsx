import { Badge, Group, Paper, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useWorkspaceDates } from '../shell/workspace-context.ts';
import type { DryRun } from '../inbox/api/index.ts';

/** What a draft rule would have matched in recent messages: counts per action and samples with their reasons. */
export function DryRunResults({ wid, run, stale }: { wid: string; run: DryRun; stale: boolean }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  return (
    <Paper withBorder p="sm" bg="white" style={{ opacity: stale ? 0.6 : 1 }} component="section" aria-label={t('inbox.moderation.dryRunTitle')}>
      <Text fw={600} size="sm">
        {t('inbox.moderation.dryRunTitle')}
      </Text>
      <Text size="sm" data-testid="dry-run-summary">
        {t('inbox.moderation.dryRunSummary', { matched: run.matched, scanned: run.scanned, since: dates.date(run.since) })}
        {run.truncated ? ` ${t('inbox.moderation.truncated')}` : ''}
      </Text>
      {Object.keys(run.byAction).length ? (
        <Group gap={4} my={4}>
          {Object.entries(run.byAction).map(([action, count]) => (
            <Badge key={action} variant="light">
              {t(`inbox.moderation.action.${action}`, { defaultValue: action })}: {count}
            </Badge>
          ))}
        </Group>
      ) : null}
      {run.samples.length > 0 ? (
        <Table data-testid="dry-run-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('inbox.moderation.at')}</Table.Th>
              <Table.Th>{t('inbox.moderation.author')}</Table.Th>
              <Table.Th>{t('inbox.moderation.text')}</Table.Th>
              <Table.Th>{t('inbox.moderation.reasons')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {run.samples.map((s) => (
              <Table.Tr key={s.messageId}>
                <Table.Td>{dates.dateTime(s.createdAt)}</Table.Td>
                <Table.Td>@{s.authorHandle}</Table.Td>
                <Table.Td>
                  <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: s.conversationId }} style={{ whiteSpace: 'pre-wrap' }}>
                    {s.text}
                  </RouterAnchor>
                </Table.Td>
                <Table.Td>{s.reasons.join(' · ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}
