import { Alert, Badge, Button, Checkbox, Grid, Group, NumberInput, Paper, Select, Stack, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { LEAD_STATUSES, can, inboxApi, inboxKeys } from '../inbox/api/index.ts';
import type { ContactProfile } from '../inbox/api/index.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';

/** A contact: identities on each network (split), merge with another, tags, lead fields, notes, full history, send to CRM. */
export function ContactProfilePage() {
  const { t } = useTranslation();
  const { wid, cid } = useParams({ from: '/w/$wid/contacts/$cid' });
  const profile = useQuery({ queryKey: inboxKeys.contact(wid, cid), queryFn: () => inboxApi.contact(wid, cid) });
  if (!profile.data) return <ErrorAlert error={profile.error} />;
  return <Profile wid={wid} data={profile.data} key={profile.data.contact.id} />;
}

function Profile({ wid, data }: { wid: string; data: ContactProfile }) {
  const { t } = useTranslation();
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const editable = can(role, 'inbox.reply');
  const c = data.contact;
  const members = useQuery({ queryKey: keys.members(wid), queryFn: () => api.members(wid) });
  const [tags, setTags] = useState(c.tags);
  const [leadStatus, setLeadStatus] = useState<string | null>(c.leadStatus);
  const [leadValue, setLeadValue] = useState<number | ''>(c.leadValue ?? '');
  const [leadOwnerId, setLeadOwnerId] = useState<string | null>(c.leadOwnerId);
  const [email, setEmail] = useState(c.email ?? '');
  const [note, setNote] = useState('');
  const [mergeId, setMergeId] = useState<string | null>(null);
  const [mergeSearch, setMergeSearch] = useState('');
  const [splitIds, setSplitIds] = useState<string[]>([]);
  const refresh = () => void client.invalidateQueries({ queryKey: inboxKeys.contacts(wid) });

  const save = useMutation({
    mutationFn: () =>
      inboxApi.updateContact(wid, c.id, {
        tags: tags.map((x) => x.toLowerCase()),
        leadStatus: leadStatus as never,
        leadValue: leadValue === '' ? null : leadValue,
        leadOwnerId,
        email: email.trim() || null,
      }),
    onSuccess: () => {
      refresh();
      notifications.show({ message: t('inbox.contacts.saved') });
    },
  });
  const addNote = useMutation({
    mutationFn: () => inboxApi.addContactNote(wid, c.id, note.trim()),
    onSuccess: () => {
      setNote('');
      refresh();
    },
  });
  const candidates = useQuery({
    queryKey: [...inboxKeys.contacts(wid), 'merge', mergeSearch],
    queryFn: () => inboxApi.contacts(wid, { q: mergeSearch.trim() || undefined }),
    enabled: editable,
  });
  const merge = useMutation({
    mutationFn: (otherId: string) => inboxApi.mergeContacts(wid, c.id, otherId),
    onSuccess: () => {
      setMergeId(null);
      refresh();
      notifications.show({ message: t('inbox.contacts.merged') });
    },
  });
  const split = useMutation({
    mutationFn: () => inboxApi.splitContact(wid, c.id, splitIds),
    onSuccess: (created) => {
      setSplitIds([]);
      refresh();
      void navigate({ to: '/w/$wid/contacts/$cid', params: { wid, cid: created.id } });
    },
  });
  // "Send to the CRM" only once a manager has set the webhook (Contacts page).
  const crmSettings = useQuery({ queryKey: inboxKeys.guard(wid), queryFn: () => inboxApi.guard(wid), enabled: editable });
  const crmSet = Boolean(crmSettings.data?.crmWebhookUrl);
  const crm = useMutation({
    mutationFn: () => inboxApi.sendToCrm(wid, c.id),
    onSuccess: (answer) =>
      notifications.show({
        color: answer.delivered ? 'teal' : 'red',
        message: answer.delivered ? t('inbox.contacts.crmSent') : t('inbox.contacts.crmFailed', { status: answer.status }),
      }),
  });

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <div>
          <RouterAnchor size="sm" to="/w/$wid/contacts" params={{ wid }}>
            ← {t('inbox.contacts.title')}
          </RouterAnchor>
          <Title order={1} size="h2">
            {c.displayName ?? `@${c.handle}`}
          </Title>
          <Text size="sm" c="dimmed">
            @{c.handle} · {t('inbox.contacts.followersCount', { count: c.followers ?? 0 })} · {t('inbox.contacts.since', { when: dates.date(c.firstSeenAt) })}
          </Text>
        </div>
        {editable && crmSet ? (
          <Button variant="light" onClick={() => crm.mutate()} loading={crm.isPending}>
            {t('inbox.contacts.sendToCrm')}
          </Button>
        ) : null}
        {editable && crmSettings.data && !crmSet ? (
          <Text size="sm" c="dimmed" maw={280}>
            {t('inbox.contacts.crmNotSet')}
          </Text>
        ) : null}
      </Group>
      <ErrorAlert error={crm.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-label={t('inbox.contacts.lead.title')}>
              <Title order={2} size="h5" mb="xs">
                {t('inbox.contacts.lead.title')}
              </Title>
              <Stack gap="xs">
                <TagsInput label={t('inbox.contacts.tags')} value={tags} onChange={setTags} disabled={!editable} />
                <Select
                  label={t('inbox.contacts.leadStatus')}
                  data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`inbox.contacts.lead.${s}`) }))}
                  value={leadStatus}
                  onChange={setLeadStatus}
                  clearable
                  disabled={!editable}
                />
                <NumberInput label={t('inbox.contacts.leadValue')} min={0} value={leadValue} onChange={(v) => setLeadValue(v === '' ? '' : Number(v))} disabled={!editable} />
                <Select
                  label={t('inbox.contacts.leadOwner')}
                  data={(members.data?.members ?? []).map((m) => ({ value: m.user.id, label: m.user.name }))}
                  value={leadOwnerId}
                  onChange={setLeadOwnerId}
                  clearable
                  disabled={!editable}
                />
                <TextInput label={t('inbox.contacts.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} disabled={!editable} />
                <ErrorAlert error={save.error} />
                {editable ? (
                  <Button onClick={() => save.mutate()} loading={save.isPending} w="fit-content">
                    {t('inbox.common.save')}
                  </Button>
                ) : null}
              </Stack>
            </Paper>
            <Paper withBorder p="md" component="section" aria-label={t('inbox.contacts.identities')}>
              <Title order={2} size="h5" mb="xs">
                {t('inbox.contacts.identities')}
              </Title>
              <Stack gap={4}>
                {data.identities.map((i) => (
                  <Group key={i.id} gap="xs" wrap="nowrap">
                    {editable && data.identities.length > 1 ? (
                      <Checkbox
                        aria-label={t('inbox.contacts.pickSplit', { handle: i.handle })}
                        checked={splitIds.includes(i.id)}
                        onChange={(e) => setSplitIds((ids) => (e.currentTarget.checked ? [...ids, i.id] : ids.filter((x) => x !== i.id)))}
                      />
                    ) : null}
                    <Badge variant="light" size="sm">
                      {i.network}
                    </Badge>
                    <Text size="sm">
                      {i.displayName ? `${i.displayName} ` : ''}@{i.handle}
                    </Text>
                  </Group>
                ))}
              </Stack>
              {editable && data.identities.length > 1 ? (
                <Button size="xs" mt="xs" variant="light" disabled={splitIds.length === 0 || splitIds.length === data.identities.length} onClick={() => split.mutate()} loading={split.isPending}>
                  {t('inbox.contacts.split')}
                </Button>
              ) : null}
              <ErrorAlert error={split.error} />
              {editable ? (
                <Stack gap={4} mt="sm">
                  <Select
                    label={t('inbox.contacts.mergeWith')}
                    searchable
                    searchValue={mergeSearch}
                    onSearchChange={setMergeSearch}
                    data={(candidates.data?.contacts ?? []).filter((x) => x.id !== c.id).map((x) => ({ value: x.id, label: `${x.displayName ?? ''} @${x.handle}`.trim() }))}
                    value={mergeId}
                    onChange={setMergeId}
                    clearable
                  />
                  {mergeId ? (
                    <Alert color="orange" p="xs">
                      <Text size="sm">{t('inbox.contacts.mergeExplain')}</Text>
                      <Button size="xs" mt={4} color="orange" onClick={() => merge.mutate(mergeId)} loading={merge.isPending}>
                        {t('inbox.contacts.merge')}
                      </Button>
                    </Alert>
                  ) : null}
                  {merge.error ? <Text size="xs" c="red">{errorText(merge.error)}</Text> : null}
                </Stack>
              ) : null}
            </Paper>
            <Paper withBorder p="md" component="section" aria-label={t('inbox.notes.title')}>
              <Title order={2} size="h5" mb="xs">
                {t('inbox.notes.title')}
              </Title>
              <Stack gap={4}>
                {data.notes.map((n) => (
                  <Paper key={n.id} p="xs" bg="yellow.0">
                    <Text size="xs" c="dimmed">
                      {n.author?.name ?? t('inbox.notes.someone')} · {dates.dateTime(n.createdAt)}
                    </Text>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {n.body}
                    </Text>
                  </Paper>
                ))}
              </Stack>
              {editable ? (
                <Group align="flex-end" mt="xs" wrap="nowrap">
                  <Textarea style={{ flex: 1 }} label={t('inbox.notes.label')} autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
                  <Button disabled={!note.trim()} onClick={() => addNote.mutate()} loading={addNote.isPending}>
                    {t('inbox.notes.add')}
                  </Button>
                </Group>
              ) : null}
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md" component="section" aria-label={t('inbox.contacts.history')}>
            <Title order={2} size="h5" mb="xs">
              {t('inbox.contacts.history')}
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              {t('inbox.contacts.conversations', { count: data.conversations.length })}
            </Text>
            <Stack gap="xs">
              {data.history.length === 0 ? <Text size="sm">{t('inbox.contacts.noHistory')}</Text> : null}
              {data.history.map((m) => (
                <Paper key={m.id} withBorder p="xs">
                  <Group justify="space-between">
                    <Text size="xs" c="dimmed">
                      {t(`inbox.messageKind.${m.kind}`, { defaultValue: m.kind })} · {dates.dateTime(m.createdAt)}
                    </Text>
                    <RouterAnchor size="xs" to="/w/$wid/inbox" params={{ wid }} search={{ c: m.conversationId }}>
                      {t('inbox.contacts.openConversation')}
                    </RouterAnchor>
                  </Group>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {m.text}
                  </Text>
                  <Group gap={4}>
                    {m.sentiment ? <Badge size="xs" variant="light">{t(`inbox.sentiment.${m.sentiment}`)}</Badge> : null}
                    {(m.intents ?? []).filter((i) => i !== 'other').map((i) => (
                      <Badge key={i} size="xs" variant="light" color="grape">
                        {t(`inbox.intent.${i}`, { defaultValue: i })}
                      </Badge>
                    ))}
                  </Group>
                </Paper>
              ))}
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
