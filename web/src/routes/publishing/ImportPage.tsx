import { Alert, Badge, Button, FileInput, Group, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries.ts';
import type { ImportReport } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { Section } from '../../components/Section.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { may, pubKeys, publishingApi } from './publishing-api.ts';

type Then = 'draft' | 'submit' | 'schedule';

/** CSV bulk import: upload → per-row report → import all (only when every row is valid) or the valid rows only. */
export function ImportPage() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [csv, setCsv] = useState('');
  const [then, setThen] = useState<Then>('draft');
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = useMutation({
    mutationFn: (opts: { dryRun: boolean; importValidRows: boolean }) => publishingApi.importCsv(workspace.id, { csv, then, ...opts }),
    onSuccess: (r) => {
      setReport(r);
      if (!r.dryRun) void queryClient.invalidateQueries({ queryKey: pubKeys.all(workspace.id) });
    },
  });
  const thens: Then[] = may(role, 'post.publish') ? ['draft', 'submit', 'schedule'] : ['draft', 'submit'];
  const checked = report?.dryRun ? report : null;

  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('publishing.import.title')}
      </Title>
      <Section title={t('publishing.import.fileTitle')} description={t('publishing.import.help', { zone: workspace.timezone })}>
        <Text size="xs" ff="monospace" c="dimmed">
          time,channels,text,media_url,link
        </Text>
        <FileInput
          label={t('publishing.import.file')}
          placeholder={t('publishing.media.choose')}
          accept=".csv,text/csv"
          onChange={(file) => {
            setReport(null);
            if (file) void file.text().then(setCsv);
          }}
          clearable
          w={320}
        />
        <Textarea label={t('publishing.import.content')} value={csv} onChange={(e) => { setCsv(e.currentTarget.value); setReport(null); }} autosize minRows={4} maxRows={14} styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }} />
        <Group align="flex-end">
          <Select label={t('publishing.import.then')} value={then} onChange={(v) => setThen((v ?? 'draft') as Then)} data={thens.map((v) => ({ value: v, label: t(`publishing.import.thens.${v}`) }))} w={260} allowDeselect={false} />
          <Button onClick={() => run.mutate({ dryRun: true, importValidRows: false })} loading={run.isPending && run.variables?.dryRun} disabled={!csv.trim() || !may(role, 'post.draft')}>
            {t('publishing.import.check')}
          </Button>
        </Group>
        <ErrorAlert error={run.error} />
      </Section>
      {report ? (
        <Section title={t('publishing.import.reportTitle')}>
          <Alert color={report.dryRun ? (report.invalid ? 'yellow' : 'teal') : report.imported ? 'teal' : 'red'} variant="light" role="status" data-testid="import-summary">
            {report.dryRun
              ? t('publishing.import.summary', { valid: report.valid, invalid: report.invalid })
              : report.imported
                ? t('publishing.import.imported', { count: report.imported, skipped: report.invalid })
                : t('publishing.import.nothing', { count: report.invalid })}
          </Alert>
          <Table striped withTableBorder data-testid="import-rows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('publishing.import.line')}</Table.Th>
                <Table.Th>{t('publishing.import.status')}</Table.Th>
                <Table.Th>{t('publishing.import.time')}</Table.Th>
                <Table.Th>{t('publishing.import.errors')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.rows.map((row) => (
                <Table.Tr key={row.line} data-testid={`import-row-${row.line}`}>
                  <Table.Td>{row.line}</Table.Td>
                  <Table.Td>
                    <Badge color={row.ok ? 'teal' : 'red'} variant="light">
                      {row.ok ? t('publishing.import.ok') : t('publishing.import.invalid')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{row.at ? dates.dateTime(row.at) : '—'}</Table.Td>
                  <Table.Td>
                    {row.errors.map((e, i) => (
                      <Text key={i} size="sm" c={row.ok ? 'dimmed' : 'red'}>
                        <Text span fw={600} size="sm">
                          {e.field}
                        </Text>
                        : {e.message}
                      </Text>
                    ))}
                    {row.postId ? (
                      <RouterAnchor to="/w/$wid/posts/$id" params={{ wid: workspace.id, id: row.postId }} size="sm">
                        {t('publishing.import.openPost')}
                      </RouterAnchor>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {checked ? (
            <Group justify="flex-end">
              <Button onClick={() => run.mutate({ dryRun: false, importValidRows: false })} disabled={checked.invalid > 0 || run.isPending}>
                {t('publishing.import.importAll', { count: checked.valid })}
              </Button>
              {checked.invalid > 0 && checked.valid > 0 ? (
                <Button color="orange" onClick={() => run.mutate({ dryRun: false, importValidRows: true })} loading={run.isPending && !run.variables?.dryRun}>
                  {t('publishing.import.importValid', { count: checked.valid })}
                </Button>
              ) : null}
            </Group>
          ) : null}
        </Section>
      ) : null}
    </Stack>
  );
}
