import {
  Badge,
  Button,
  Center,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import type { DatesRangeValue } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { AuditEntry, AuditFilters } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { endOfDay, startOfDay } from '../../lib/zoned.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { AuditDiff } from './AuditDiff.tsx';

/** Who did what and when in the workspace: search, filter, expand a change, export CSV, load more. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [action, setAction] = useState<string | null>(null);
  const [range, setRange] = useState<DatesRangeValue<string>>([null, null]);

  const filters: AuditFilters = useMemo(() => {
    const [from, to] = range;
    return {
      ...(debouncedQ ? { q: debouncedQ } : {}),
      ...(action ? { action } : {}),
      ...(from ? { from: startOfDay(from, workspace.timezone) } : {}),
      ...(to ? { to: endOfDay(to, workspace.timezone) } : {}),
    };
  }, [debouncedQ, action, range, workspace.timezone]);

  const audit = useInfiniteQuery({
    queryKey: [...keys.audit(workspace.id), filters],
    queryFn: ({ pageParam }) => api.audit(workspace.id, filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  const actions = audit.data?.pages[0]?.actions ?? [];
  const actionLabel = (code: string) => t(`auditActions.${code.replaceAll('.', '_')}`, { defaultValue: code });

  return (
    <Section
      title={t('settings.audit.title')}
      description={t('settings.audit.description', { zone: workspace.timezone })}
      actions={
        <Button component="a" href={api.auditCsvUrl(workspace.id, filters)} download variant="light">
          {t('settings.audit.export')}
        </Button>
      }
    >
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('settings.audit.search')}
          placeholder={t('settings.audit.searchPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          type="search"
          style={{ flex: 1, minWidth: 200 }}
        />
        <Select
          label={t('settings.audit.action')}
          placeholder={t('settings.audit.allActions')}
          data={actions.map((code) => ({ value: code, label: actionLabel(code) }))}
          value={action}
          onChange={setAction}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          w={240}
        />
        <DatePickerInput
          type="range"
          label={t('settings.audit.dates')}
          placeholder={t('settings.audit.anyDate')}
          value={range}
          onChange={setRange}
          clearable
          allowSingleDateInRange
          valueFormat="D MMM YYYY"
          w={260}
        />
      </Group>
      <ErrorAlert error={audit.error} />
      {audit.isSuccess && entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('settings.audit.empty')}
        </Text>
      ) : null}
      {entries.length > 0 ? (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.audit.when')}</Table.Th>
                <Table.Th>{t('settings.audit.who')}</Table.Th>
                <Table.Th>{t('settings.audit.action')}</Table.Th>
                <Table.Th>{t('settings.audit.target')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('settings.audit.details')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} actionLabel={actionLabel} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {audit.hasNextPage ? (
        <Center>
          <Button variant="default" onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
            {t('settings.audit.loadMore')}
          </Button>
        </Center>
      ) : null}
    </Section>
  );
}

function AuditRow({ entry, actionLabel }: { entry: AuditEntry; actionLabel: (code: string) => string }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${entry.id}`;
  const actor = entry.actor.name ?? t(`settings.audit.actor.${entry.actor.type}`);
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {dates.dateTime(entry.at)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{actor}</Text>
            {entry.actor.type !== 'user' ? (
              <Badge size="xs" variant="light" color="gray">
                {t(`settings.audit.actor.${entry.actor.type}`)}
              </Badge>
            ) : null}
          </Group>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{actionLabel(entry.action)}</Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {entry.action}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">
            {entry.targetType ? t(`auditTargets.${entry.targetType}`, { defaultValue: entry.targetType }) : '—'}
            {entry.targetId ? (
              <Text span size="xs" c="dimmed" ff="monospace">
                {' '}
                {entry.targetId}
              </Text>
            ) : null}
          </Text>
        </Table.Td>
        <Table.Td>
          <UnstyledButton
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-controls={detailsId}
            c="indigo"
            fz="sm"
          >
            {open ? t('settings.audit.hide') : t('settings.audit.show')}
          </UnstyledButton>
        </Table.Td>
      </Table.Tr>
      {open ? (
        <Table.Tr id={detailsId}>
          <Table.Td colSpan={5} bg="var(--mantine-color-gray-0)">
            <Stack gap="xs">
              <AuditDiff before={entry.before} after={entry.after} />
              {entry.ip ? (
                <Text size="xs" c="dimmed">
                  {t('settings.audit.ip', { ip: entry.ip })}
                </Text>
              ) : null}
            </Stack>
          </Table.Td>
        </Table.Tr>
      ) : null}
    </Fragment>
  );
}
