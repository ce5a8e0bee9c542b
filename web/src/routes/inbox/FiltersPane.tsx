import { ActionIcon, Button, Checkbox, Group, MultiSelect, NavLink, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../api/types.ts';
import type { Channel } from '../../api/types.ts';
import { useErrorText } from '../../lib/errors.ts';
import { ChannelStatusList } from './ChannelStatus.tsx';
import { INTENTS, KINDS, PRIORITIES, SENTIMENTS, SLA_STATES, inboxApi, inboxKeys } from './api/index.ts';
import type { Filters } from './api/index.ts';

const split = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);
const join = (values: string[]) => (values.length ? values.join(',') : undefined);

/** Saved views and the filters of the list (channel, kind, assignee, language, sentiment, intent, tags, priority, SLA, unanswered). */
export function FiltersPane({
  wid,
  filters,
  onChange,
  channels,
  members,
}: {
  wid: string;
  filters: Filters;
  onChange: (filters: Filters) => void;
  channels: Channel[];
  members: Member[];
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const client = useQueryClient();
  const views = useQuery({ queryKey: inboxKeys.views(wid), queryFn: () => inboxApi.views(wid) });
  const [viewName, setViewName] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const clean: Record<string, string> = {};
      for (const [key, value] of Object.entries(filters)) if (value) clean[key] = value;
      return inboxApi.saveView(wid, { name: viewName.trim(), filters: clean });
    },
    onSuccess: () => {
      setViewName('');
      void client.invalidateQueries({ queryKey: inboxKeys.views(wid) });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => inboxApi.deleteView(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.views(wid) }),
  });

  const set = (key: keyof Filters, value: string | undefined) => onChange({ ...filters, [key]: value || undefined });
  const multi = (key: keyof Filters, label: string, values: readonly string[], labelOf: (v: string) => string) => (
    <MultiSelect
      size="xs"
      label={label}
      data={values.map((value) => ({ value, label: labelOf(value) }))}
      value={split(filters[key])}
      onChange={(v) => set(key, join(v))}
      clearable
    />
  );

  return (
    <Stack gap="xs" component="section" aria-label={t('inbox.filters.title')}>
      <Text fw={600} size="sm">
        {t('inbox.views.title')}
      </Text>
      <NavLink
        label={t('inbox.views.all')}
        active={Object.values(filters).every((v) => !v)}
        onClick={() => onChange({})}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
      />
      <NavLink
        label={t('inbox.views.mine')}
        active={filters.assignee === 'me'}
        onClick={() => onChange({ assignee: 'me' })}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
      />
      <NavLink
        label={t('inbox.views.unassigned')}
        active={filters.assignee === 'none'}
        onClick={() => onChange({ assignee: 'none' })}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
      />
      {views.data?.views.map((view) => (
        <Group key={view.id} gap={2} wrap="nowrap">
          <NavLink
            label={view.name}
            description={view.shared ? t('inbox.views.shared') : undefined}
            onClick={() => onChange(view.filters as Filters)}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          />
          {view.mine ? (
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              aria-label={t('inbox.views.delete', { name: view.name })}
              onClick={() => remove.mutate(view.id)}
            >
              ×
            </ActionIcon>
          ) : null}
        </Group>
      ))}
      <Group gap={4} wrap="nowrap" align="flex-end">
        <TextInput
          size="xs"
          label={t('inbox.views.name')}
          value={viewName}
          onChange={(e) => setViewName(e.currentTarget.value)}
          error={save.error ? errorText(save.error) : undefined}
          style={{ flex: 1 }}
        />
        <Button size="xs" variant="light" disabled={!viewName.trim()} loading={save.isPending} onClick={() => save.mutate()}>
          {t('inbox.views.save')}
        </Button>
      </Group>

      <Text fw={600} size="sm" mt="sm">
        {t('inbox.filters.title')}
      </Text>
      {channels.length > 0
        ? multi(
            'channel',
            t('inbox.filters.channel'),
            channels.map((c) => c.id),
            (id) => {
              const channel = channels.find((c) => c.id === id);
              return channel ? `@${channel.handle}` : id;
            },
          )
        : null}
      {multi('kind', t('inbox.filters.kind'), KINDS, (v) => t(`inbox.kind.${v}`))}
      <Select
        size="xs"
        label={t('inbox.filters.assignee')}
        data={[
          { value: 'me', label: t('inbox.views.mine') },
          { value: 'none', label: t('inbox.views.unassigned') },
          ...members.map((m) => ({ value: m.user.id, label: m.user.name })),
        ]}
        value={filters.assignee ?? null}
        onChange={(v) => set('assignee', v ?? undefined)}
        clearable
        placeholder={t('inbox.filters.anyone')}
      />
      {multi('language', t('inbox.filters.language'), ['fr', 'en'], (v) => t(`inbox.lang.${v}`))}
      {multi('sentiment', t('inbox.filters.sentiment'), SENTIMENTS, (v) => t(`inbox.sentiment.${v}`))}
      {multi('intent', t('inbox.filters.intent'), INTENTS, (v) => t(`inbox.intent.${v}`))}
      <TagsInput
        size="xs"
        label={t('inbox.filters.tags')}
        value={split(filters.tag)}
        onChange={(v) => set('tag', join(v.map((x) => x.toLowerCase())))}
        clearable
      />
      {multi('priority', t('inbox.filters.priority'), PRIORITIES, (v) => t(`inbox.priority.${v}`))}
      {multi('sla', t('inbox.filters.sla'), SLA_STATES, (v) => t(`inbox.sla.state.${v}`))}
      <Checkbox
        size="xs"
        label={t('inbox.filters.unanswered')}
        checked={filters.unanswered === 'true'}
        onChange={(e) => set('unanswered', e.currentTarget.checked ? 'true' : undefined)}
      />
      <Select
        size="xs"
        label={t('inbox.filters.sort')}
        data={[
          { value: 'newest', label: t('inbox.filters.newest') },
          { value: 'oldest', label: t('inbox.filters.oldest') },
        ]}
        value={filters.sort ?? 'newest'}
        onChange={(v) => set('sort', v === 'newest' ? undefined : (v ?? undefined))}
        allowDeselect={false}
      />
      <ChannelStatusList wid={wid} />
    </Stack>
  );
}
