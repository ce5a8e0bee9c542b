import {
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useChannels } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { PRIORITIES, WEEKDAYS, can, inboxApi, inboxKeys } from './api/index.ts';
import type { BusinessCalendar, GuardMode, GuardSettings, SlaPolicy, Weekday } from './api/index.ts';
import { LabelledSegmentedControl, NewButton, SettingsForm, SettingsListCard, SettingsTable } from './settings-list/SettingsList.tsx';
import { useInvalidatingMutation, useSettingsList } from './settings-list/useSettingsList.ts';

/** Settings → SLA & business hours: policies, weekly opening hours, holidays (managers edit; others read). */
export function SlaSettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/sla' });
  const { role } = useCurrentWorkspace();
  const editable = can(role, 'inbox.manage');
  const policies = useQuery({ queryKey: inboxKeys.policies(wid), queryFn: () => inboxApi.policies(wid) });
  const calendar = useQuery({ queryKey: inboxKeys.calendar(wid), queryFn: () => inboxApi.calendar(wid) });
  const channels = useChannels(wid);
  const { editing, setEditing, remove } = useSettingsList<SlaPolicy>({
    remove: (id) => inboxApi.deletePolicy(wid, id),
    queryKey: inboxKeys.policies(wid),
  });
  const channelName = (id: string) => {
    const c = channels.data?.channels.find((x) => x.id === id);
    return c ? `@${c.handle}` : id;
  };

  return (
    <Stack gap="lg">
      <SettingsListCard
        title={t('inbox.slaSettings.policies')}
        action={editable ? <NewButton label={t('inbox.slaSettings.newPolicy')} onClick={() => setEditing('new')} /> : null}
        intro={t('inbox.slaSettings.intro')}
        error={policies.error ?? remove.error}
        empty={!!policies.data && policies.data.policies.length === 0}
        emptyText={t('inbox.slaSettings.none')}
        editor={
          editing ? (
            <PolicyForm
              wid={wid}
              policy={editing === 'new' ? null : editing}
              channels={(channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `@${c.handle}` }))}
              onDone={() => setEditing(null)}
            />
          ) : null
        }
      >
        <SettingsTable
          rows={policies.data?.policies ?? []}
          columns={[
            { label: t('inbox.slaSettings.name'), cell: (p) => p.name },
            {
              label: t('inbox.slaSettings.appliesTo'),
              cell: (p) =>
                [...p.channelIds.map(channelName), ...p.priorities.map((x) => t(`inbox.priority.${x}`))].join(', ') ||
                t('inbox.slaSettings.everything'),
            },
            { label: t('inbox.slaSettings.firstResponse'), cell: (p) => t('inbox.slaSettings.minutes', { count: p.firstResponseMinutes }) },
            {
              label: t('inbox.slaSettings.resolution'),
              cell: (p) => (p.resolutionMinutes ? t('inbox.slaSettings.minutes', { count: p.resolutionMinutes }) : '—'),
            },
            { label: t('inbox.slaSettings.enabled'), cell: (p) => (p.enabled ? t('inbox.common.yes') : t('inbox.common.no')) },
          ]}
          editDelete={{
            editable,
            onEdit: setEditing,
            onDelete: (p) => remove.mutate(p.id),
            deleteQuestion: (p) => t('inbox.slaSettings.deleteQuestion', { name: p.name }),
          }}
        />
      </SettingsListCard>
      {calendar.data ? <HoursForm wid={wid} calendar={calendar.data} editable={editable} /> : <ErrorAlert error={calendar.error} />}
      {calendar.data ? <Holidays wid={wid} calendar={calendar.data} editable={editable} /> : null}
    </Stack>
  );
}

function PolicyForm({
  wid,
  policy,
  channels,
  onDone,
}: {
  wid: string;
  policy: SlaPolicy | null;
  channels: { value: string; label: string }[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(policy?.name ?? '');
  const [channelIds, setChannelIds] = useState<string[]>(policy?.channelIds ?? []);
  const [priorities, setPriorities] = useState<string[]>(policy?.priorities ?? []);
  const [first, setFirst] = useState<number>(policy?.firstResponseMinutes ?? 60);
  const [resolution, setResolution] = useState<number | ''>(policy?.resolutionMinutes ?? '');
  const [atRisk, setAtRisk] = useState<number>(Math.round((policy?.atRiskRatio ?? 0.75) * 100));
  const [enabled, setEnabled] = useState(policy?.enabled ?? true);
  const save = useInvalidatingMutation(
    () =>
      inboxApi.savePolicy(wid, policy?.id ?? null, {
        name: name.trim(),
        channelIds,
        priorities,
        firstResponseMinutes: first,
        resolutionMinutes: resolution === '' ? null : resolution,
        atRiskRatio: atRisk / 100,
        enabled,
      }),
    inboxKeys.policies(wid),
    onDone,
  );
  return (
    <SettingsForm onSubmit={() => save.mutate()} onCancel={onDone} error={save.error} saving={save.isPending} canSave={!!name.trim()}>
      <Title order={3} size="h5">
        {policy ? t('inbox.slaSettings.editPolicy') : t('inbox.slaSettings.newPolicy')}
      </Title>
      <TextInput label={t('inbox.slaSettings.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
      <Group grow>
        <MultiSelect label={t('inbox.slaSettings.channels')} data={channels} value={channelIds} onChange={setChannelIds} clearable />
        <MultiSelect
          label={t('inbox.slaSettings.priorities')}
          data={PRIORITIES.map((p) => ({ value: p, label: t(`inbox.priority.${p}`) }))}
          value={priorities}
          onChange={setPriorities}
          clearable
        />
      </Group>
      <Group grow>
        <NumberInput label={t('inbox.slaSettings.firstResponseMinutes')} min={1} value={first} onChange={(v) => setFirst(Number(v) || 1)} />
        <NumberInput
          label={t('inbox.slaSettings.resolutionMinutes')}
          min={1}
          value={resolution}
          onChange={(v) => setResolution(v === '' ? '' : Number(v))}
        />
        <NumberInput label={t('inbox.slaSettings.atRisk')} min={10} max={100} suffix=" %" value={atRisk} onChange={(v) => setAtRisk(Number(v) || 75)} />
      </Group>
      <Switch label={t('inbox.slaSettings.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
    </SettingsForm>
  );
}

function HoursForm({ wid, calendar, editable }: { wid: string; calendar: BusinessCalendar; editable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [week, setWeek] = useState<BusinessCalendar['week']>(calendar.week);
  useEffect(() => setWeek(calendar.week), [calendar.week]);
  const save = useMutation({
    mutationFn: () => inboxApi.saveHours(wid, week),
    onSuccess: (answer) => {
      client.setQueryData(inboxKeys.calendar(wid), answer);
      notifications.show({ message: t('inbox.slaSettings.hoursSaved') });
    },
  });
  const setDay = (day: Weekday, ranges: [string, string][] | undefined) => setWeek((w) => ({ ...w, [day]: ranges }));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb={4}>
        {t('inbox.slaSettings.hours')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('inbox.slaSettings.hoursIntro', { zone: calendar.timezone })}
      </Text>
      <Stack gap={6}>
        {WEEKDAYS.map((day) => {
          const ranges = week[day] ?? [];
          const open = ranges.length > 0;
          const [from, to] = ranges[0] ?? ['09:00', '18:00'];
          return (
            <Group key={day} gap="sm" wrap="nowrap">
              <Checkbox
                w={140}
                label={t(`inbox.weekday.${day}`)}
                checked={open}
                disabled={!editable}
                onChange={(e) => setDay(day, e.currentTarget.checked ? [['09:00', '18:00']] : undefined)}
              />
              {open ? (
                <>
                  <TextInput
                    type="time"
                    size="xs"
                    aria-label={t('inbox.slaSettings.opens', { day: t(`inbox.weekday.${day}`) })}
                    value={from}
                    disabled={!editable}
                    onChange={(e) => setDay(day, [[e.currentTarget.value, to], ...ranges.slice(1)])}
                  />
                  <Text size="sm">–</Text>
                  <TextInput
                    type="time"
                    size="xs"
                    aria-label={t('inbox.slaSettings.closes', { day: t(`inbox.weekday.${day}`) })}
                    value={to}
                    disabled={!editable}
                    onChange={(e) => setDay(day, [[from, e.currentTarget.value], ...ranges.slice(1)])}
                  />
                  {ranges.length > 1 ? (
                    <Text size="xs" c="dimmed">
                      {ranges
                        .slice(1)
                        .map(([a, b]) => `${a}–${b}`)
                        .join(', ')}
                    </Text>
                  ) : null}
                </>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('inbox.slaSettings.closed')}
                </Text>
              )}
            </Group>
          );
        })}
      </Stack>
      <ErrorAlert error={save.error} />
      {editable ? (
        <Group justify="flex-end" mt="sm">
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t('inbox.slaSettings.saveHours')}
          </Button>
        </Group>
      ) : null}
    </Paper>
  );
}

function Holidays({ wid, calendar, editable }: { wid: string; calendar: BusinessCalendar; editable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [day, setDay] = useState('');
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: () => inboxApi.addHoliday(wid, day, name.trim()),
    onSuccess: (answer) => {
      client.setQueryData(inboxKeys.calendar(wid), answer);
      setDay('');
      setName('');
    },
  });
  const remove = useInvalidatingMutation((d: string) => inboxApi.removeHoliday(wid, d), inboxKeys.calendar(wid));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('inbox.slaSettings.holidays')}
      </Title>
      {calendar.holidays.length === 0 ? <Text size="sm">{t('inbox.slaSettings.noHolidays')}</Text> : null}
      <Stack gap={4}>
        {calendar.holidays.map((h) => (
          <Group key={h.day} gap="sm">
            <Text size="sm" w={110}>
              {h.day}
            </Text>
            <Text size="sm" style={{ flex: 1 }}>
              {h.name}
            </Text>
            {editable ? (
              <ConfirmButton
                label={t('inbox.common.delete')}
                question={t('inbox.slaSettings.deleteHoliday', { name: h.name })}
                onConfirm={() => remove.mutate(h.day)}
              />
            ) : null}
          </Group>
        ))}
      </Stack>
      {editable ? (
        <Group mt="sm" align="flex-end" component="form" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
          <TextInput type="date" label={t('inbox.slaSettings.day')} value={day} onChange={(e) => setDay(e.currentTarget.value)} required />
          <TextInput label={t('inbox.slaSettings.holidayName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Button type="submit" loading={add.isPending} disabled={!day || !name.trim()}>
            {t('inbox.slaSettings.addHoliday')}
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={add.error} />
    </Paper>
  );
}

/** Settings → Reply guard: mode (off, warn, approval, delay with undo), thresholds, forbidden phrases, collision window. */
export function GuardSettingsPage() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/reply-guard' });
  const { role } = useCurrentWorkspace();
  const guard = useQuery({ queryKey: inboxKeys.guard(wid), queryFn: () => inboxApi.guard(wid) });
  if (!guard.data) return <ErrorAlert error={guard.error} />;
  return <GuardForm wid={wid} settings={guard.data} editable={can(role, 'inbox.manage')} />;
}

function GuardForm({ wid, settings, editable }: { wid: string; settings: GuardSettings; editable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState(settings);
  const set = <K extends keyof GuardSettings>(key: K, value: GuardSettings[K]) => setForm((f) => ({ ...f, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const { crmWebhookUrl: _ignored, ...rest } = form;
      return inboxApi.saveGuard(wid, rest);
    },
    onSuccess: (answer) => {
      client.setQueryData(inboxKeys.guard(wid), answer);
      notifications.show({ message: t('inbox.guardSettings.saved') });
    },
  });
  return (
    <Paper withBorder p="md" component="form" onSubmit={(e) => (e.preventDefault(), save.mutate())}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('inbox.guardSettings.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('inbox.guardSettings.intro')}
        </Text>
        <LabelledSegmentedControl<GuardMode>
          id="guard-mode"
          label={t('inbox.guardSettings.mode')}
          disabled={!editable}
          value={form.mode}
          onChange={(v) => set('mode', v)}
          data={(['off', 'warn', 'approval', 'delay'] as const).map((m) => ({ value: m, label: t(`inbox.guardSettings.modes.${m}`) }))}
        >
          <Text size="xs" c="dimmed" mt={4}>
            {t(`inbox.guardSettings.modeHelp.${form.mode}`)}
          </Text>
        </LabelledSegmentedControl>
        <Group grow>
          <NumberInput
            label={t('inbox.guardSettings.delaySeconds')}
            min={5}
            max={600}
            value={form.delaySeconds}
            onChange={(v) => set('delaySeconds', Number(v) || 5)}
            disabled={!editable || form.mode !== 'delay'}
          />
          <NumberInput
            label={t('inbox.guardSettings.collisionSeconds')}
            min={0}
            max={600}
            value={form.collisionSeconds}
            onChange={(v) => set('collisionSeconds', Number(v) || 0)}
            disabled={!editable}
          />
        </Group>
        <Group grow>
          <NumberInput
            label={t('inbox.guardSettings.toxicity')}
            min={0}
            max={1}
            step={0.05}
            decimalScale={2}
            value={form.toxicityThreshold}
            onChange={(v) => set('toxicityThreshold', Number(v))}
            disabled={!editable}
          />
          <NumberInput
            label={t('inbox.guardSettings.negative')}
            min={-1}
            max={0}
            step={0.05}
            decimalScale={2}
            value={form.negativeThreshold}
            onChange={(v) => set('negativeThreshold', Number(v))}
            disabled={!editable}
          />
          <NumberInput
            label={t('inbox.guardSettings.reach')}
            min={0}
            value={form.reachThreshold}
            onChange={(v) => set('reachThreshold', Number(v) || 0)}
            disabled={!editable}
            thousandSeparator=" "
          />
        </Group>
        <TagsInput
          label={t('inbox.guardSettings.phrases')}
          description={t('inbox.guardSettings.phrasesHelp')}
          value={form.forbiddenPhrases}
          onChange={(v) => set('forbiddenPhrases', v)}
          disabled={!editable}
          clearable
        />
        <ErrorAlert error={save.error} />
        {editable ? (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('inbox.common.save')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('inbox.common.readOnly')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
