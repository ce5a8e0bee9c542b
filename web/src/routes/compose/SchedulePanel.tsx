import { Checkbox, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Recurrence } from '../../api/types.ts';

export type ScheduleMode = 'draft' | 'now' | 'at' | 'next_slot' | 'recurring';

export interface ScheduleChoice {
  mode: ScheduleMode;
  date: string;
  time: string;
  recurrence: Recurrence;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** When: keep as a draft, now, at a time (workspace time zone), the next plan slot, or a recurrence. */
export function SchedulePanel({ value, onChange, canPublish, timeZone, nextSlot }: {
  value: ScheduleChoice;
  onChange: (v: ScheduleChoice) => void;
  canPublish: boolean;
  timeZone: string;
  nextSlot: string | null;
}) {
  const { t } = useTranslation();
  const modes: ScheduleMode[] = canPublish ? ['draft', 'now', 'at', 'next_slot', 'recurring'] : ['draft', 'at'];
  const set = (patch: Partial<ScheduleChoice>) => onChange({ ...value, ...patch });
  const setRec = (patch: Partial<Recurrence>) => onChange({ ...value, recurrence: { ...value.recurrence, ...patch } });
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label={t('publishing.schedule.when')}
        value={value.mode}
        onChange={(mode) => set({ mode: mode as ScheduleMode })}
        data={modes.map((m) => ({ value: m, label: t(canPublish ? `publishing.schedule.modes.${m}` : `publishing.schedule.plannedModes.${m}`) }))}
        fullWidth
      />
      {value.mode === 'at' || value.mode === 'recurring' ? (
        <Group gap="sm" align="flex-end">
          <TextInput type="date" label={value.mode === 'recurring' ? t('publishing.schedule.start') : t('publishing.schedule.date')} value={value.date} onChange={(e) => set({ date: e.currentTarget.value })} w={170} />
          <TextInput
            type="time"
            label={t('publishing.schedule.time')}
            value={value.mode === 'recurring' ? value.recurrence.time : value.time}
            onChange={(e) => (value.mode === 'recurring' ? setRec({ time: e.currentTarget.value }) : set({ time: e.currentTarget.value }))}
            w={130}
          />
          <Text size="xs" c="dimmed" pb={8}>
            {t('publishing.schedule.inZone', { zone: timeZone })}
          </Text>
        </Group>
      ) : null}
      {value.mode === 'next_slot' ? (
        <Text size="sm" c="dimmed">
          {nextSlot ? t('publishing.schedule.nextSlotIs', { when: nextSlot }) : t('publishing.schedule.noSlot')}
        </Text>
      ) : null}
      {value.mode === 'now' ? (
        <Text size="sm" c="dimmed">
          {t('publishing.schedule.nowHelp')}
        </Text>
      ) : null}
      {value.mode === 'recurring' ? (
        <Stack gap="xs">
          <Group gap="sm" align="flex-end">
            <Select
              label={t('publishing.schedule.freq')}
              value={value.recurrence.freq}
              onChange={(v) => setRec({ freq: (v ?? 'weekly') as Recurrence['freq'] })}
              data={(['daily', 'weekly', 'monthly'] as const).map((f) => ({ value: f, label: t(`publishing.schedule.freqs.${f}`) }))}
              w={160}
              allowDeselect={false}
            />
            <NumberInput label={t('publishing.schedule.interval')} value={value.recurrence.interval} min={1} max={365} onChange={(v) => setRec({ interval: Number(v) || 1 })} w={120} />
            <NumberInput
              label={t('publishing.schedule.count')}
              value={value.recurrence.count ?? ''}
              min={1}
              max={1000}
              onChange={(v) => setRec({ count: v === '' ? undefined : Number(v) })}
              w={140}
            />
          </Group>
          {value.recurrence.freq === 'weekly' ? (
            <Checkbox.Group
              label={t('publishing.schedule.weekdays')}
              value={(value.recurrence.weekdays ?? []).map(String)}
              onChange={(v) => setRec({ weekdays: v.map(Number).sort() })}
            >
              <Group gap="sm" mt={4}>
                {WEEKDAYS.map((d) => (
                  <Checkbox key={d} value={String(d)} label={t(`publishing.weekdays.${d}`)} />
                ))}
              </Group>
            </Checkbox.Group>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
