import FullCalendar from '@fullcalendar/react';
import type { DateClickInfo, DatesSetInfo, EventClickInfo, EventDropInfo, EventInput } from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import classicThemePlugin from '@fullcalendar/react/themes/classic';
import enGbLocale from '@fullcalendar/react/locales/en-gb';
import frLocale from '@fullcalendar/react/locales/fr';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { Button, Checkbox, Group, MultiSelect, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import { VARIANT_STATES } from '../../api/types.ts';
import type { VariantState } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { useChannels } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { BestTimeList } from '../publishing/PlanSettings.tsx';
import { may, pubKeys, publishingApi, useBestTimes, useCampaigns, type CalendarFilters } from '../publishing/publishing-api.ts';
import { calendarDateToInstant, instantToWall, wallToCalendar } from '../publishing/time.ts';

const MOVABLE: VariantState[] = ['draft', 'in_review', 'approved', 'scheduled'];

/**
 * The editorial calendar. FullCalendar has no named-zone support without a plugin, so it runs in UTC
 * and is fed the API's wall times in the workspace zone (`local`); dates it hands back (drops, clicks,
 * the visible range) are wall times turned into instants with the zone's rules (DST included).
 */
export function CalendarPage() {
  const { t, i18n } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const wid = workspace.id;
  const tz = workspace.timezone;
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [filters, setFilters] = useState<CalendarFilters>({});
  const [colorBy, setColorBy] = useState<'channel' | 'campaign'>('channel');
  const [wholePost, setWholePost] = useState(true);
  const channels = useChannels(wid).data?.channels ?? [];
  const campaigns = useCampaigns(wid).data?.campaigns ?? [];
  const members = useQuery({ queryKey: keys.members(wid), queryFn: () => api.members(wid) }).data?.members ?? [];
  const best = useBestTimes(wid);
  const cal = useQuery({
    queryKey: pubKeys.calendar(wid, range?.from ?? '', range?.to ?? '', filters),
    queryFn: () => publishingApi.calendar(wid, range!.from, range!.to, filters),
    enabled: range !== null,
    placeholderData: (prev) => prev,
  });

  const handle = (id: string) => channels.find((c) => c.id === id)?.handle ?? id;
  const events = useMemo<EventInput[]>(() => {
    const data = cal.data;
    if (!data) return [];
    const items: EventInput[] = data.items.map((item) => {
      const color = colorBy === 'campaign' ? (item.campaign?.color ?? '#868e96') : item.channelColor;
      return {
        id: item.variantId,
        title: `@${item.channelHandle} · ${item.title || item.excerpt}`,
        start: wallToCalendar(item.local.date, item.local.time),
        backgroundColor: color,
        borderColor: color,
        editable: MOVABLE.includes(item.state) && (item.state === 'scheduled' ? may(role, 'post.publish') : may(role, 'post.draft')),
        extendedProps: { kind: 'item', item },
      };
    });
    const suggestions: EventInput[] = data.suggestions.map((s) => {
      const end = new Date(Date.parse(wallToCalendar(s.local.date, s.local.time)) + 30 * 60_000).toISOString();
      return {
        id: `slot-${s.slotId}-${s.at}`,
        title: t('publishing.calendar.suggestion', { handle: handle(s.channelId), label: s.label }),
        start: wallToCalendar(s.local.date, s.local.time),
        end,
        display: 'background',
        backgroundColor: '#e7f5ff',
        extendedProps: { kind: 'suggestion', suggestion: s },
      };
    });
    return [...items, ...suggestions];
  }, [cal.data, colorBy, role, t]); // eslint-disable-line react-hooks/exhaustive-deps

  const onDatesSet = (arg: DatesSetInfo) => {
    const from = calendarDateToInstant(arg.start, tz);
    const to = calendarDateToInstant(arg.end, tz);
    setRange((r) => (r?.from === from && r.to === to ? r : { from, to }));
  };

  const onDrop = async (arg: EventDropInfo) => {
    const item = arg.event.extendedProps.item as { variantId: string; postId: string } | undefined;
    if (!item || !arg.event.start) return arg.revert();
    const at = calendarDateToInstant(arg.event.start, tz);
    try {
      await publishingApi.move(wid, item.variantId, at, wholePost);
      const wall = instantToWall(at, tz);
      toasts.show({ color: 'teal', message: t('publishing.calendar.moved', { date: wall.date, time: wall.time }) });
    } catch (error) {
      arg.revert();
      toasts.show({ color: 'red', title: t('publishing.calendar.moveRefused'), message: errorText(error) });
    } finally {
      void queryClient.invalidateQueries({ queryKey: pubKeys.all(wid) });
    }
  };

  const onClick = (arg: EventClickInfo) => {
    const item = arg.event.extendedProps.item as { postId: string } | undefined;
    if (item) void navigate({ to: '/w/$wid/posts/$id', params: { wid, id: item.postId } });
  };

  const onDateClick = (arg: DateClickInfo) => {
    if (!may(role, 'post.draft')) return;
    const iso = arg.date.toISOString();
    void navigate({ to: '/w/$wid/compose', params: { wid }, search: { date: iso.slice(0, 10), ...(arg.allDay ? {} : { time: iso.slice(11, 16) }) } });
  };

  const now = instantToWall(new Date().toISOString(), tz);

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('nav.calendar')}
        </Title>
        <Group gap="xs">
          {may(role, 'post.draft') ? (
            <>
              <Button variant="default" onClick={() => void navigate({ to: '/w/$wid/import', params: { wid } })}>
                {t('publishing.import.title')}
              </Button>
              <Button onClick={() => void navigate({ to: '/w/$wid/compose', params: { wid } })}>{t('publishing.calendar.newPost')}</Button>
            </>
          ) : null}
        </Group>
      </Group>
      <Paper withBorder p="sm" radius="md">
        <Group gap="sm" align="flex-end">
          <MultiSelect
            label={t('publishing.calendar.channels')}
            data={channels.map((c) => ({ value: c.id, label: `@${c.handle}` }))}
            value={filters.channelId ?? []}
            onChange={(v) => setFilters((f) => ({ ...f, channelId: v.length ? v : undefined }))}
            w={240}
            clearable
          />
          <Select label={t('publishing.compose.campaign')} data={campaigns.map((c) => ({ value: c.id, label: c.name }))} value={filters.campaignId ?? null} onChange={(v) => setFilters((f) => ({ ...f, campaignId: v ?? undefined }))} w={170} clearable />
          <TextInput label={t('publishing.calendar.tag')} value={filters.tag ?? ''} onChange={(e) => {
            const tag = e.currentTarget.value.trim();
            setFilters((f) => ({ ...f, tag: tag || undefined }));
          }} w={130} />
          <MultiSelect
            label={t('publishing.calendar.status')}
            data={VARIANT_STATES.map((s) => ({ value: s, label: t(`publishing.states.${s}`) }))}
            value={filters.status ?? []}
            onChange={(v) => setFilters((f) => ({ ...f, status: v.length ? (v as VariantState[]) : undefined }))}
            w={220}
            clearable
          />
          <Select label={t('publishing.calendar.author')} data={members.map((m) => ({ value: m.user.id, label: m.user.name }))} value={filters.authorId ?? null} onChange={(v) => setFilters((f) => ({ ...f, authorId: v ?? undefined }))} w={170} clearable />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('publishing.calendar.colorBy')}
            </Text>
            <SegmentedControl size="xs" value={colorBy} onChange={(v) => setColorBy(v as 'channel' | 'campaign')} data={[{ value: 'channel', label: t('publishing.calendar.byChannel') }, { value: 'campaign', label: t('publishing.calendar.byCampaign') }]} />
          </Stack>
          <Checkbox label={t('publishing.calendar.wholePost')} checked={wholePost} onChange={(e) => setWholePost(e.currentTarget.checked)} mb={6} />
        </Group>
      </Paper>
      <ErrorAlert error={cal.error} />
      <Paper withBorder p="sm" radius="md" data-testid="calendar">
        <FullCalendar
          plugins={[classicThemePlugin, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
          initialView="dayGridMonth"
          headerToolbar={{ left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,listWeek' }}
          timeZone="UTC"
          now={wallToCalendar(now.date, now.time)}
          locales={[enGbLocale, frLocale]}
          locale={i18n.language === 'fr' ? 'fr' : 'en-gb'}
          firstDay={1}
          events={events}
          editable
          eventDurationEditable={false}
          defaultTimedEventDuration="00:30"
          displayEventEnd={false}
          eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
          dayMaxEvents={4}
          nowIndicator
          height="auto"
          datesSet={onDatesSet}
          eventDrop={(arg) => void onDrop(arg)}
          eventClick={onClick}
          dateClick={onDateClick}
          eventDidMount={(arg) => {
            const item = arg.event.extendedProps.item as { postId: string; state: VariantState; channelHandle: string } | undefined;
            if (!item) return;
            arg.el.setAttribute('data-post', item.postId);
            arg.el.setAttribute('data-state', item.state);
            arg.el.setAttribute('title', `${t(`publishing.states.${item.state}`)} — ${arg.event.title}`);
          }}
        />
        <Text size="xs" c="dimmed" mt="xs">
          {t('publishing.calendar.zoneNote', { zone: tz })}
        </Text>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} size="sm" mb={4}>
          {t('publishing.bestTime.title')}
        </Text>
        <BestTimeList best={best.data} handle={handle} />
      </Paper>
    </Stack>
  );
}
