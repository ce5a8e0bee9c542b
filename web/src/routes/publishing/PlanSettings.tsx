import { ActionIcon, Button, Checkbox, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries.ts';
import type { PlanSlot } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { publishesPosts, useChannels } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { may, pubKeys, publishingApi, useBestTimes, usePlan } from './publishing-api.ts';

/** Settings → Plan: the cadence per channel ("LinkedIn: Tue–Thu 09:00"), its next slots and the best-time hint. */
export function PlanSettings() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const plan = usePlan(workspace.id);
  const best = useBestTimes(workspace.id);
  const channels = (useChannels(workspace.id).data?.channels ?? []).filter(publishesPosts);
  const [slots, setSlots] = useState<PlanSlot[]>([]);
  const canEdit = may(role, 'charter.manage');
  const [loaded, setLoaded] = useState(false);
  // Filled once from the server; later refetches must not wipe what is being edited.
  useEffect(() => {
    if (plan.data && !loaded) {
      setLoaded(true);
      setSlots(plan.data.slots);
    }
  }, [plan.data, loaded]);
  const save = useMutation({
    mutationFn: () => publishingApi.savePlan(workspace.id, slots),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: pubKeys.all(workspace.id) }),
  });
  const update = (i: number, patch: Partial<PlanSlot>) => setSlots((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const handle = (id: string) => channels.find((c) => c.id === id)?.handle ?? id;

  return (
    <Stack gap="lg">
      <Section title={t('publishing.plan.title')} description={t('publishing.plan.description', { zone: workspace.timezone })}>
        {!loaded ? <Text size="sm" c="dimmed">{t('common.loading')}</Text> : null}
        {loaded && slots.length === 0 ? <Text size="sm" c="dimmed">{t('publishing.plan.empty')}</Text> : null}
        {slots.map((slot, i) => (
          <Group key={i} align="flex-end" gap="sm" data-testid="plan-slot" wrap="wrap">
            <Select
              label={t('publishing.plan.channel')}
              value={slot.channelId}
              onChange={(v) => v && update(i, { channelId: v })}
              data={channels.map((c) => ({ value: c.id, label: `@${c.handle}` }))}
              w={240}
              allowDeselect={false}
              readOnly={!canEdit}
            />
            <Checkbox.Group label={t('publishing.plan.weekdays')} value={slot.weekdays.map(String)} onChange={(v) => update(i, { weekdays: v.map(Number).sort() })}>
              <Group gap={8} mt={6}>
                {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                  <Checkbox key={d} value={String(d)} label={t(`publishing.weekdays.${d}`)} disabled={!canEdit} />
                ))}
              </Group>
            </Checkbox.Group>
            <TextInput type="time" label={t('publishing.schedule.time')} value={slot.time} onChange={(e) => update(i, { time: e.currentTarget.value })} w={120} readOnly={!canEdit} />
            <TextInput label={t('publishing.plan.label')} value={slot.label} onChange={(e) => update(i, { label: e.currentTarget.value })} w={160} readOnly={!canEdit} />
            {canEdit ? (
              <ActionIcon variant="subtle" color="red" mb={6} aria-label={t('publishing.plan.remove', { n: i + 1 })} onClick={() => setSlots((all) => all.filter((_, j) => j !== i))}>
                ×
              </ActionIcon>
            ) : null}
          </Group>
        ))}
        <ErrorAlert error={save.error} />
        {canEdit && loaded ? (
          <Group justify="space-between">
            <Button variant="default" disabled={channels.length === 0} onClick={() => setSlots((all) => [...all, { channelId: channels[0]!.id, weekdays: [2, 3, 4], time: '09:00', label: '' }])}>
              {t('publishing.plan.add')}
            </Button>
            <Group gap="sm">
              {save.isSuccess ? <Text size="sm" c="teal">{t('common.saved')}</Text> : null}
              <Button onClick={() => save.mutate()} loading={save.isPending}>
                {t('publishing.plan.save')}
              </Button>
            </Group>
          </Group>
        ) : null}
      </Section>
      <Section title={t('publishing.plan.nextTitle')}>
        {(plan.data?.next ?? []).length === 0 ? <Text size="sm" c="dimmed">{t('publishing.plan.noNext')}</Text> : null}
        {plan.data?.next.map((n) => (
          <Text key={n.channelId} size="sm">
            @{handle(n.channelId)} — {n.at ? dates.dateTime(n.at) : '—'}
          </Text>
        ))}
      </Section>
      <Section title={t('publishing.bestTime.title')} description={t('publishing.bestTime.description')}>
        <BestTimeList best={best.data} handle={handle} />
      </Section>
    </Stack>
  );
}

/** "Tue 18:00 (avg 12 interactions, 4 posts)" per channel, or how many more measured posts are needed. */
export function BestTimeList({ best, handle }: { best: ReturnType<typeof useBestTimes>['data']; handle: (id: string) => string }) {
  const { t } = useTranslation();
  if (!best) return null;
  return (
    <Stack gap={4} data-testid="best-times">
      {best.channels.map((c) => (
        <Text key={c.channelId} size="sm">
          <Text span fw={600} size="sm">
            @{handle(c.channelId)}
          </Text>{' '}
          {c.best && c.best[0]
            ? t('publishing.bestTime.hint', {
                day: t(`publishing.weekdays.${c.best[0].weekday}`),
                hour: String(c.best[0].hour).padStart(2, '0'),
                avg: c.best[0].averageEngagement,
                posts: c.best[0].posts,
              })
            : t('publishing.bestTime.notYet', { count: c.samples })}
        </Text>
      ))}
    </Stack>
  );
}
