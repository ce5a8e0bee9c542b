import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Button, Card, Group, Loader, MultiSelect, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useChannels } from '../settings/channels/channels-api.ts';
import { inboxApi, reportKey, type InboxReport, type ReportParams, type ReportPeriodChoice, type ReportTotals } from './api/index.ts';
import { useDuration } from './inbox-ui.tsx';

const KINDS = ['comment', 'mention', 'dm', 'review'] as const;
const SENTIMENTS = ['positive', 'neutral', 'negative', 'unknown'] as const;
const KIND_COLORS = { comment: 'blue.6', mention: 'grape.6', dm: 'teal.6', review: 'yellow.6' } as const;
const SENTIMENT_COLORS = { positive: 'green.6', neutral: 'gray.5', negative: 'red.6', unknown: 'gray.3' } as const;
const MAX_DAYS = 366;

/** Local YYYY-MM-DD of today minus `days` in the browser (only a default for the custom date fields). */
const localDay = (days = 0) => {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const customValid = (from: string, to: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && to >= from && (Date.parse(to) - Date.parse(from)) / 86_400_000 < MAX_DAYS;

/**
 * Inbox → Report: what a community manager looks at after a week or a month — volumes by kind, response
 * and resolution times (business hours, as stored), SLA outcomes, sentiment, intents and each teammate's
 * share, against the previous period; the daily series as CSV.
 */
export function InboxReportPage() {
  const { t, i18n } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/inbox/report' });
  const channels = useChannels(wid);
  const [period, setPeriod] = useState<ReportPeriodChoice>('30d');
  const [from, setFrom] = useState(() => localDay(29));
  const [to, setTo] = useState(() => localDay());
  const [channelIds, setChannelIds] = useState<string[]>([]);
  const valid = period !== 'custom' || customValid(from, to);
  const params: ReportParams = { period, from, to, channels: channelIds };
  const report = useQuery({
    queryKey: reportKey(wid, params),
    queryFn: () => inboxApi.report(wid, params),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  const number = new Intl.NumberFormat(i18n.language);

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('inboxReport.title')}
        </Title>
        <RouterAnchor to="/w/$wid/inbox" params={{ wid }} search={{}}>
          {t('inboxReport.back')}
        </RouterAnchor>
      </Group>

      <Group align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="report-period-label">
            {t('inboxReport.period.label')}
          </Text>
          <SegmentedControl
            aria-labelledby="report-period-label"
            value={period}
            onChange={(v) => setPeriod(v as ReportPeriodChoice)}
            data={(['7d', '30d', '90d', 'custom'] as const).map((p) => ({ value: p, label: t(`inboxReport.period.${p}`) }))}
          />
        </Stack>
        {period === 'custom' && (
          <>
            <TextInput type="date" label={t('inboxReport.period.from')} value={from} max={to} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="date" label={t('inboxReport.period.to')} value={to} min={from} onChange={(e) => setTo(e.currentTarget.value)} />
          </>
        )}
        <MultiSelect
          label={t('inboxReport.channels.label')}
          placeholder={channelIds.length ? undefined : t('inboxReport.channels.all')}
          data={(channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `${c.handle} (${c.network})` }))}
          value={channelIds}
          onChange={setChannelIds}
          clearable
          miw={220}
        />
        <Button component="a" variant="light" href={valid ? inboxApi.reportCsvUrl(wid, params) : undefined} download data-disabled={!valid || undefined}>
          {t('inboxReport.csv')}
        </Button>
      </Group>
      {!valid && <Alert color="orange">{t('inboxReport.period.invalid')}</Alert>}
      <ErrorAlert error={report.error} />
      {report.data ? (
        <ReportBody report={report.data} number={number} />
      ) : (
        valid && !report.error && <Loader aria-label={t('inboxReport.loading')} />
      )}
    </Stack>
  );
}

function ReportBody({ report, number }: { report: InboxReport; number: Intl.NumberFormat }) {
  const { t, i18n } = useTranslation();
  const duration = useDuration();
  const { current, previous } = report.totals;
  // Local days are labels, not instants: formatted at noon UTC so no browser zone moves them.
  const date = (day: string, year = false) =>
    new Date(`${day}T12:00:00Z`).toLocaleDateString(i18n.language, { day: 'numeric', month: 'short', ...(year ? { year: 'numeric' } : {}), timeZone: 'UTC' });
  const dur = (s: number | null) => (s === null ? t('inboxReport.kpi.none') : duration(s * 1000));
  const pct = (v: number | null) => (v === null ? t('inboxReport.kpi.none') : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 }).format(v));
  const empty = current.inboundMessages === 0 && current.newConversations === 0 && current.repliesSent === 0;

  const kpis: { key: string; value: (x: ReportTotals) => string; detail?: string }[] = [
    { key: 'inbound', value: (x) => number.format(x.inboundMessages) },
    { key: 'conversations', value: (x) => number.format(x.newConversations) },
    { key: 'replies', value: (x) => number.format(x.repliesSent) },
    { key: 'firstResponseMedian', value: (x) => dur(x.firstResponseMedianSeconds) },
    { key: 'firstResponseP90', value: (x) => dur(x.firstResponseP90Seconds) },
    { key: 'resolutionMedian', value: (x) => dur(x.resolutionMedianSeconds) },
    {
      key: 'slaShare', value: (x) => pct(x.slaMetShare),
      detail: current.slaConversations ? t('inboxReport.kpi.slaDetail', { met: current.slaMet, total: current.slaConversations }) : t('inboxReport.kpi.noSla'),
    },
    { key: 'slaBreaches', value: (x) => number.format(x.slaBreaches) },
  ];
  const series = report.days.map((d) => ({
    day: date(d.day),
    ...Object.fromEntries(KINDS.map((k) => [k, d.inbound[k]])),
    ...Object.fromEntries(SENTIMENTS.map((s) => [`s_${s}`, d.sentiment[s]])),
    firstResponse: d.firstResponseMedianSeconds === null ? null : Math.round(d.firstResponseMedianSeconds / 6) / 10,
  }));

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('inboxReport.period.range', { from: date(report.period.from, true), to: date(report.period.to, true), days: report.period.days, timezone: report.period.timezone })}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        {kpis.map((k) => (
          <Card key={k.key} withBorder padding="sm" component="section" aria-label={t(`inboxReport.kpi.${k.key}`)}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t(`inboxReport.kpi.${k.key}`)}
            </Text>
            <Text size="xl" fw={700} data-testid={`kpi-${k.key}`}>
              {k.value(current)}
            </Text>
            <Text size="xs" c="dimmed">
              {t('inboxReport.kpi.previous', { value: k.value(previous) })}
            </Text>
            {k.detail && (
              <Text size="xs" c="dimmed">
                {k.detail}
              </Text>
            )}
          </Card>
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('inboxReport.businessHours')}
      </Text>

      {empty ? (
        <Alert title={t('inboxReport.empty.title')} color="gray">
          {t('inboxReport.empty.body')}
        </Alert>
      ) : (
        <>
          <ChartCard title={t('inboxReport.charts.volume')}>
            <BarChart
              h={260}
              data={series}
              dataKey="day"
              type="stacked"
              withLegend
              series={KINDS.map((k) => ({ name: k, label: t(`inboxReport.kind.${k}`), color: KIND_COLORS[k] }))}
            />
          </ChartCard>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <ChartCard title={t('inboxReport.charts.firstResponse')}>
              <LineChart
                h={220}
                data={series}
                dataKey="day"
                connectNulls
                unit=" min"
                series={[{ name: 'firstResponse', label: t('inboxReport.charts.minutes'), color: 'indigo.6' }]}
              />
            </ChartCard>
            <ChartCard title={t('inboxReport.charts.sentiment')}>
              <BarChart
                h={220}
                data={series}
                dataKey="day"
                type="percent"
                withLegend
                series={SENTIMENTS.map((s) => ({ name: `s_${s}`, label: t(`inboxReport.sentiment.${s}`), color: SENTIMENT_COLORS[s] }))}
              />
            </ChartCard>
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <ChartCard title={t('inboxReport.charts.intents')} empty={report.intents.length === 0 ? t('inboxReport.charts.noIntents') : null}>
              <BarChart
                h={Math.max(120, report.intents.length * 32)}
                orientation="vertical"
                data={report.intents.map((i) => ({ intent: t(`inbox.intent.${i.intent}`, { defaultValue: i.intent }), count: i.count }))}
                dataKey="intent"
                yAxisProps={{ width: 130 }}
                series={[{ name: 'count', label: t('inboxReport.kpi.inbound'), color: 'blue.6' }]}
              />
            </ChartCard>
            <ChartCard title={t('inboxReport.charts.teammates')} empty={report.teammates.length === 0 ? t('inboxReport.charts.noTeammates') : null}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('inboxReport.teammates.name')}</Table.Th>
                    <Table.Th ta="right">{t('inboxReport.teammates.replies')}</Table.Th>
                    <Table.Th ta="right">{t('inboxReport.teammates.firstResponses')}</Table.Th>
                    <Table.Th ta="right">{t('inboxReport.teammates.median')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {report.teammates.map((m) => (
                    <Table.Tr key={m.userId}>
                      <Table.Td>{m.name ?? t('inboxReport.teammates.removed')}</Table.Td>
                      <Table.Td ta="right">{number.format(m.repliesSent)}</Table.Td>
                      <Table.Td ta="right">{number.format(m.firstResponses)}</Table.Td>
                      <Table.Td ta="right">{dur(m.firstResponseMedianSeconds)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ChartCard>
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}

/** A titled card (a named region); `empty`, when set, is said instead of the chart. */
function ChartCard({ title, empty, children }: { title: string; empty?: string | null; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        children
      )}
    </Card>
  );
}
