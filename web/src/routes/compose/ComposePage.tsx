import { Alert, Badge, Button, Checkbox, ColorInput, Grid, Group, Paper, Popover, Select, Stack, Tabs, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { queryClient } from '../../api/queries.ts';
import type { Channel, ComposeCheck, Post, ScheduleInput, Utm } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { today } from '../../lib/zoned.ts';
import { NetworkBadge } from '../settings/channels/NetworkBadge.tsx';
import { publishesPosts, useChannels } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { NetworkPreview } from '../publishing/NetworkPreview.tsx';
import { may, pubKeys, publishingApi, useCampaigns, useCharter, usePlan } from '../publishing/publishing-api.ts';
import { wallToInstant, instantToWall } from '../publishing/time.ts';
import { ContentEditor } from './ContentEditor.tsx';
import { SchedulePanel, type ScheduleChoice } from './SchedulePanel.tsx';
import { contentFor, draftFromPost, editVariant, emptyDraft, toVariantInput, type AssetNames, type Draft } from './draft.ts';

/** Search parameters of the composer: a post to edit, or a day and time to start from (calendar). */
export interface ComposeSearch {
  post?: string;
  date?: string;
  time?: string;
}

export function composeSearch(search: Record<string, unknown>): ComposeSearch {
  const out: ComposeSearch = {};
  if (typeof search.post === 'string' && /^[0-9a-f-]{36}$/i.test(search.post)) out.post = search.post;
  if (typeof search.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(search.date)) out.date = search.date;
  if (typeof search.time === 'string' && /^\d{2}:\d{2}$/.test(search.time)) out.time = search.time;
  return out;
}

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The composer: one message for several channels, a variant per channel, live checks, preview, schedule. */
export function ComposePage() {
  const search = useSearch({ from: '/w/$wid/compose' });
  const { workspace } = useCurrentWorkspace();
  const existing = useQuery({
    queryKey: pubKeys.post(workspace.id, search.post ?? 'new'),
    queryFn: () => publishingApi.post(workspace.id, search.post!),
    enabled: Boolean(search.post),
    staleTime: Infinity,
  });
  if (search.post && !existing.data) {
    return existing.error ? <ErrorAlert error={existing.error} /> : <Text c="dimmed">…</Text>;
  }
  return <Composer key={search.post ?? 'new'} initial={existing.data?.post ?? null} search={search} />;
}

function Composer({ initial, search }: { initial: Post | null; search: ComposeSearch }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const wid = workspace.id;
  const channels = useChannels(wid);
  const charter = useCharter(wid);
  const campaigns = useCampaigns(wid);
  const plan = usePlan(wid);
  const flow = useQuery({ queryKey: [...pubKeys.all(wid), 'flow'], queryFn: () => publishingApi.approvalFlow(wid) });
  const canPublish = may(role, 'post.publish');
  const canDraft = may(role, 'post.draft');

  const [postId, setPostId] = useState<string | null>(initial?.id ?? null);
  const [variantIds, setVariantIds] = useState<Record<string, string>>(() => Object.fromEntries((initial?.variants ?? []).map((v) => [v.channelId, v.id])));
  const [draft, setDraft] = useState<Draft>(() => (initial ? draftFromPost(initial) : emptyDraft()));
  const [names, setNames] = useState<AssetNames>({});
  const [tab, setTab] = useState<string>('shared');
  const planned = initial?.variants.find((v) => v.dueAt)?.dueAt;
  const start = planned ? instantToWall(planned, workspace.timezone) : { date: search.date ?? addDays(today(workspace.timezone), 1), time: search.time ?? '09:00' };
  const [schedule, setSchedule] = useState<ScheduleChoice>({
    mode: planned || search.date ? 'at' : 'draft',
    date: start.date,
    time: start.time,
    recurrence: { freq: 'weekly', interval: 1, weekdays: [], time: start.time },
  });
  const [check, setCheck] = useState<ComposeCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const seq = useRef(0);

  // Channels that only answer (Google Business Profile) are not offered for posts.
  const all = (channels.data?.channels ?? []).filter(publishesPosts);
  const selected = draft.channelIds.map((id) => all.find((c) => c.id === id)).filter((c): c is Channel => Boolean(c));
  const inputs = useMemo(() => draft.channelIds.map((id) => toVariantInput(draft, id, variantIds[id])), [draft, variantIds]);
  const inputsKey = JSON.stringify(inputs.map(({ id: _id, ...rest }) => rest));
  const empty = inputs.every((v) => v.text.trim() === '' && v.media.length === 0);

  // Live check by the server (network limits counted as each network counts, the charter, the preview).
  useEffect(() => {
    if (inputs.length === 0) {
      setCheck(null);
      return;
    }
    const mine = ++seq.current;
    setChecking(true);
    const timer = setTimeout(() => {
      publishingApi
        .validate(wid, JSON.parse(inputsKey))
        .then((r) => seq.current === mine && setCheck(r))
        .catch(() => seq.current === mine && setCheck(null))
        .finally(() => seq.current === mine && setChecking(false));
    }, 350);
    return () => clearTimeout(timer);
  }, [inputsKey, wid]); // eslint-disable-line react-hooks/exhaustive-deps

  const checkOf = (channelId: string) => check?.variants.find((v) => v.channelId === channelId);
  const blocked = check?.variants.some((v) => v.blocked) ?? false;
  const blockedCharter = check?.variants.some((v) => v.charter.some((i) => i.level === 'block')) ?? false;
  const hasSteps = (flow.data?.steps.length ?? 0) > 0;
  const mustSubmit = !canPublish || hasSteps;

  const toggleChannel = (id: string, on: boolean) =>
    setDraft((d) => ({ ...d, channelIds: on ? [...d.channelIds, id] : d.channelIds.filter((x) => x !== id) }));

  const plannedAt = schedule.mode === 'at' && schedule.date && schedule.time ? wallToInstant(schedule.date, schedule.time, workspace.timezone) : null;

  const save = async (): Promise<Post> => {
    const body = { title: draft.title, campaignId: draft.campaignId, tags: draft.tags, plannedAt, variants: inputs };
    const { post } = postId ? await publishingApi.updatePost(wid, postId, body) : await publishingApi.createPost(wid, body);
    setPostId(post.id);
    setVariantIds(Object.fromEntries(post.variants.map((v) => [v.channelId, v.id])));
    void queryClient.invalidateQueries({ queryKey: pubKeys.all(wid) });
    return post;
  };

  const scheduleInput = (): ScheduleInput | null => {
    switch (schedule.mode) {
      case 'now':
        return { mode: 'now' };
      case 'at':
        return { mode: 'local', date: schedule.date, time: schedule.time };
      case 'next_slot':
        return { mode: 'next_slot' };
      case 'recurring':
        return { mode: 'recurring', start: schedule.date, recurrence: { ...schedule.recurrence, ...(schedule.recurrence.freq === 'weekly' ? {} : { weekdays: undefined }) } };
      default:
        return null;
    }
  };

  const action = useMutation({
    mutationFn: async (kind: 'draft' | 'submit' | 'schedule') => {
      const post = await save();
      if (kind === 'submit') return (await publishingApi.submit(wid, post.id)).post;
      if (kind === 'schedule') {
        const input = scheduleInput();
        if (input) return (await publishingApi.schedule(wid, post.id, input)).post;
      }
      return post;
    },
    onSuccess: (post, kind) => {
      void queryClient.invalidateQueries({ queryKey: pubKeys.all(wid) });
      if (kind === 'draft') {
        void navigate({ to: '/w/$wid/compose', params: { wid }, search: { post: post.id }, replace: true });
      } else {
        void navigate({ to: '/w/$wid/posts/$id', params: { wid, id: post.id } });
      }
    },
  });

  const duplicate = useMutation({
    mutationFn: () => publishingApi.duplicate(wid, postId!),
    onSuccess: ({ post }) => void navigate({ to: '/w/$wid/compose', params: { wid }, search: { post: post.id } }),
  });

  const nextSlot = (() => {
    const next = plan.data?.next.filter((n) => draft.channelIds.includes(n.channelId) && n.at).map((n) => n.at!).sort()[0];
    return next ? dates.dateTime(next) : null;
  })();

  const scheduleLabel =
    schedule.mode === 'now' ? t('publishing.compose.publishNow') : schedule.mode === 'recurring' ? t('publishing.compose.scheduleRecurring') : t('publishing.compose.schedule');
  const toneNotes = check?.toneNotes ?? charter.data?.toneNotes ?? '';

  return (
    <Stack gap="lg" maw={1300}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {postId ? t('publishing.compose.editTitle') : t('publishing.compose.title')}
        </Title>
        <Group gap="xs">
          {postId ? (
            <Button variant="default" onClick={() => void navigate({ to: '/w/$wid/posts/$id', params: { wid, id: postId } })}>
              {t('publishing.compose.openPost')}
            </Button>
          ) : null}
          {postId && canDraft ? (
            <Button variant="default" onClick={() => duplicate.mutate()} loading={duplicate.isPending}>
              {t('publishing.post.duplicate')}
            </Button>
          ) : null}
        </Group>
      </Group>
      {!canDraft ? <Alert color="gray">{t('publishing.compose.readOnly', { role: t(`roles.${role}`) })}</Alert> : null}
      {toneNotes ? (
        <Alert color="blue" variant="light" title={t('publishing.compose.toneNotes')} data-testid="tone-notes">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {toneNotes}
          </Text>
        </Alert>
      ) : null}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <Section title={t('publishing.compose.channels')}>
              {channels.data && all.length === 0 ? <Text size="sm" c="dimmed">{t('publishing.compose.noChannels')}</Text> : null}
              <Group gap="md">
                {all.map((c) => (
                  <Checkbox
                    key={c.id}
                    checked={draft.channelIds.includes(c.id)}
                    onChange={(e) => toggleChannel(c.id, e.currentTarget.checked)}
                    label={
                      <Group gap={6} wrap="nowrap">
                        <NetworkBadge network={c.network} />
                        <Text size="sm">@{c.handle}</Text>
                      </Group>
                    }
                    aria-label={t('publishing.compose.channelCheckbox', { handle: c.handle })}
                  />
                ))}
              </Group>
            </Section>
            <Section title={t('publishing.compose.message')}>
              <TextInput label={t('publishing.compose.postTitle')} description={t('publishing.compose.postTitleHelp')} value={draft.title} onChange={(e) => {
                const title = e.currentTarget.value;
                setDraft((d) => ({ ...d, title }));
              }} />
              <Tabs value={tab} onChange={(v) => setTab(v ?? 'shared')} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="shared">{t('publishing.compose.sharedTab')}</Tabs.Tab>
                  {selected.map((c) => {
                    const v = checkOf(c.id);
                    return (
                      <Tabs.Tab
                        key={c.id}
                        value={c.id}
                        rightSection={
                          v?.blocked ? <Badge size="xs" color="red">!</Badge> : draft.variants[c.id]?.diverged ? <Badge size="xs" variant="light">{t('publishing.compose.adapted')}</Badge> : null
                        }
                      >
                        @{c.handle}
                      </Tabs.Tab>
                    );
                  })}
                </Tabs.List>
                <Tabs.Panel value="shared" pt="md">
                  <Stack gap="sm">
                    <Text size="xs" c="dimmed">
                      {t('publishing.compose.sharedHelp')}
                    </Text>
                    <ContentEditor
                      content={draft.shared}
                      onChange={(change) => setDraft((d) => ({ ...d, shared: change(d.shared) }))}
                      check={selected.length ? checkOf(selected.find((c) => !draft.variants[c.id]?.diverged)?.id ?? '') : undefined}
                      channels={selected}
                      names={names}
                      onAssetPicked={(id, filename, kind) => setNames((n) => ({ ...n, [id]: { filename, kind } }))}
                      label={t('publishing.compose.sharedTab')}
                    />
                    <Stack gap={4} data-testid="variant-summary">
                      {selected.map((c) => {
                        const v = checkOf(c.id);
                        const count = v?.counts.find((x) => x.field === 'text');
                        return (
                          <Group key={c.id} gap="xs">
                            <Text size="sm" fw={500}>
                              @{c.handle}
                            </Text>
                            {count ? (
                              <Text size="xs" c={count.length > count.limit ? 'red' : 'dimmed'}>
                                {t('publishing.compose.counter', { used: count.length, max: count.limit })}
                              </Text>
                            ) : null}
                            {v && (v.issues.length > 0 || v.charter.length > 0) ? (
                              <Text size="xs" c={v.blocked ? 'red' : 'yellow.9'}>
                                {t('publishing.compose.issuesCount', { count: v.issues.length + v.charter.length })}
                              </Text>
                            ) : null}
                            {draft.variants[c.id]?.diverged ? <Badge size="xs" variant="light">{t('publishing.compose.adapted')}</Badge> : null}
                          </Group>
                        );
                      })}
                    </Stack>
                  </Stack>
                </Tabs.Panel>
                {selected.map((c) => (
                  <Tabs.Panel key={c.id} value={c.id} pt="md">
                    <Stack gap="sm">
                      <Group justify="space-between">
                        <Text size="xs" c="dimmed">
                          {draft.variants[c.id]?.diverged ? t('publishing.compose.divergedHelp') : t('publishing.compose.followsHelp')}
                        </Text>
                        {draft.variants[c.id]?.diverged ? (
                          <Button size="compact-xs" variant="subtle" onClick={() => setDraft((d) => ({ ...d, variants: { ...d.variants, [c.id]: { content: d.shared, diverged: false } } }))}>
                            {t('publishing.compose.resetToShared')}
                          </Button>
                        ) : null}
                      </Group>
                      <ContentEditor
                        content={contentFor(draft, c.id)}
                        onChange={(change) => setDraft((d) => editVariant(d, c.id, change))}
                        check={checkOf(c.id)}
                        channels={[c]}
                        names={names}
                        onAssetPicked={(id, filename, kind) => setNames((n) => ({ ...n, [id]: { filename, kind } }))}
                        label={`@${c.handle}`}
                      />
                    </Stack>
                  </Tabs.Panel>
                ))}
              </Tabs>
            </Section>
            <Section title={t('publishing.compose.organise')}>
              <Group align="flex-end" gap="sm">
                <Select
                  label={t('publishing.compose.campaign')}
                  placeholder={t('publishing.compose.noCampaign')}
                  data={(campaigns.data?.campaigns ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  value={draft.campaignId}
                  onChange={(campaignId) => setDraft((d) => ({ ...d, campaignId }))}
                  clearable
                  w={220}
                />
                <NewCampaign onCreated={(id) => setDraft((d) => ({ ...d, campaignId: id }))} />
                <TagsInput label={t('publishing.compose.tags')} value={draft.tags} onChange={(tags) => setDraft((d) => ({ ...d, tags }))} style={{ flex: 1, minWidth: 200 }} />
              </Group>
              <LinkShortener
                disabled={inputs.length === 0 || !canDraft}
                onShorten={async (utm) => {
                  const post = await save();
                  for (const v of post.variants) await publishingApi.shortenLinks(wid, v.id, { ...utm, source: utm.source || v.network });
                  const { post: fresh } = await publishingApi.post(wid, post.id);
                  setDraft(draftFromPost(fresh));
                }}
              />
            </Section>
            <Section title={t('publishing.compose.when')}>
              <SchedulePanel value={schedule} onChange={setSchedule} canPublish={canPublish && !hasSteps} timeZone={workspace.timezone} nextSlot={nextSlot} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md" pos="sticky" top={76}>
            <Title order={2} size="h4">
              {t('publishing.compose.preview')}
            </Title>
            {selected.length === 0 ? <Text size="sm" c="dimmed">{t('publishing.compose.pickChannels')}</Text> : null}
            {selected.map((c) => {
              const v = checkOf(c.id);
              return (
                <Stack key={c.id} gap={4}>
                  <Group gap="xs">
                    <NetworkBadge network={c.network} />
                    <Text size="sm" fw={500}>
                      @{c.handle}
                    </Text>
                  </Group>
                  {v ? <NetworkPreview check={v} /> : <Text size="xs" c="dimmed">{t('publishing.compose.checking')}</Text>}
                </Stack>
              );
            })}
          </Stack>
        </Grid.Col>
      </Grid>
      <Paper withBorder p="md" radius="md" pos="sticky" bottom={0} style={{ zIndex: 5 }}>
        <Stack gap="xs">
          <ErrorAlert error={action.error ?? duplicate.error} />
          <Group justify="space-between">
            <Text size="sm" c={blocked ? 'red' : 'dimmed'} aria-live="polite" data-testid="compose-status">
              {selected.length === 0
                ? t('publishing.compose.pickChannels')
                : checking
                  ? t('publishing.compose.checking')
                  : blockedCharter
                    ? t('publishing.compose.blockedCharter')
                    : blocked
                      ? t('publishing.compose.blocked')
                      : empty
                        ? t('publishing.compose.empty')
                        : t('publishing.compose.ready')}
            </Text>
            {canDraft ? (
              <Group gap="xs">
                <Button variant="default" onClick={() => action.mutate('draft')} loading={action.isPending && action.variables === 'draft'} disabled={selected.length === 0}>
                  {t('publishing.compose.saveDraft')}
                </Button>
                {mustSubmit ? (
                  <Button onClick={() => action.mutate('submit')} loading={action.isPending && action.variables === 'submit'} disabled={selected.length === 0 || blocked || empty || checking}>
                    {t('publishing.compose.submit')}
                  </Button>
                ) : schedule.mode !== 'draft' ? (
                  <Button onClick={() => action.mutate('schedule')} loading={action.isPending && action.variables === 'schedule'} disabled={selected.length === 0 || blocked || empty || checking}>
                    {scheduleLabel}
                  </Button>
                ) : null}
              </Group>
            ) : null}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}

function NewCampaign({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState('');
  const [color, setColor] = useState('#228be6');
  const create = useMutation({
    mutationFn: () => publishingApi.createCampaign(workspace.id, name.trim(), color),
    onSuccess: ({ campaign }) => {
      void queryClient.invalidateQueries({ queryKey: pubKeys.campaigns(workspace.id) });
      onCreated(campaign.id);
      setOpened(false);
      setName('');
    },
  });
  return (
    <Popover opened={opened} onChange={setOpened} trapFocus position="bottom-start" shadow="md">
      <Popover.Target>
        <Button variant="default" onClick={() => setOpened((o) => !o)}>
          {t('publishing.compose.newCampaign')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" w={260}>
          <TextInput label={t('publishing.compose.campaignName')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <ColorInput label={t('publishing.compose.campaignColor')} value={color} onChange={setColor} format="hex" />
          <ErrorAlert error={create.error} />
          <Button size="xs" onClick={() => create.mutate()} disabled={!name.trim()} loading={create.isPending}>
            {t('publishing.compose.createCampaign')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** Replaces the links of every variant with Passerelle's own short links (/l/<code>), UTM added; clicks counted per variant. */
function LinkShortener({ disabled, onShorten }: { disabled: boolean; onShorten: (utm: Utm) => Promise<void> }) {
  const { t } = useTranslation();
  const [utm, setUtm] = useState<Utm>({ source: '', medium: 'social', campaign: '' });
  const run = useMutation({ mutationFn: () => onShorten(Object.fromEntries(Object.entries(utm).filter(([, v]) => v)) as Utm) });
  const field = (key: keyof Utm) => (
    <TextInput
      size="xs"
      label={t(`publishing.links.${key}`)}
      value={utm[key] ?? ''}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setUtm((u) => ({ ...u, [key]: v }));
      }}
      w={150}
    />
  );
  return (
    <Paper withBorder p="sm" radius="sm" bg="gray.0">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {t('publishing.links.title')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('publishing.links.help')}
        </Text>
        <Group gap="sm" align="flex-end">
          {field('source')}
          {field('medium')}
          {field('campaign')}
          {field('content')}
          <Button size="xs" variant="light" onClick={() => run.mutate()} loading={run.isPending} disabled={disabled}>
            {t('publishing.links.shorten')}
          </Button>
        </Group>
        {run.isSuccess ? <Text size="xs" c="teal">{t('publishing.links.done')}</Text> : null}
        {run.error instanceof ApiError || run.error ? <ErrorAlert error={run.error} /> : null}
      </Stack>
    </Paper>
  );
}
