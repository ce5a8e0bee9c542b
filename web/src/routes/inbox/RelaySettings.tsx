import { Alert, Badge, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { INTENTS, can, inboxApi, inboxKeys } from './inbox-api.ts';
import type { RelayRoute } from './inbox-api.ts';

const RELAY_INTENTS = INTENTS.filter((i) => i !== 'other');
const COLORS: Record<string, string> = { new: 'blue', sent: 'teal', acknowledged: 'violet', resolved: 'gray', failed: 'red' };

/** Settings → Relay: routes (intent or tag → a team, by email digest or Slack-compatible webhook) and relayed items with their status. */
export function RelaySettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/relay' });
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const editable = can(role, 'relay.manage');
  const client = useQueryClient();
  const routes = useQuery({ queryKey: inboxKeys.relayRoutes(wid), queryFn: () => inboxApi.relayRoutes(wid) });
  const [status, setStatus] = useState<string | null>(null);
  const items = useQuery({ queryKey: [...inboxKeys.relayItems(wid), status], queryFn: () => inboxApi.relayItems(wid, status ?? undefined) });
  const [editing, setEditing] = useState<RelayRoute | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => inboxApi.deleteRelayRoute(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.relayRoutes(wid) }),
  });
  const setItem = useMutation({
    mutationFn: ({ id, value }: { id: string; value: 'new' | 'acknowledged' | 'resolved' }) => inboxApi.setRelayStatus(wid, id, value),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.relayItems(wid) }),
  });
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t('inbox.relaySettings.routes')}
          </Title>
          {editable ? (
            <Button size="xs" onClick={() => setEditing('new')}>
              {t('inbox.relaySettings.newRoute')}
            </Button>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          {t('inbox.relaySettings.intro')}
        </Text>
        {secret ? (
          <Alert color="teal" title={t('inbox.relaySettings.secretTitle')} withCloseButton onClose={() => setSecret(null)} mb="sm">
            <Text size="sm" mb={4}>{t('inbox.relaySettings.secretBody')}</Text>
            <CopyField value={secret} label={t('inbox.relaySettings.secret')} />
          </Alert>
        ) : null}
        <ErrorAlert error={routes.error} />
        {routes.data && routes.data.routes.length === 0 ? <Text size="sm">{t('inbox.relaySettings.none')}</Text> : null}
        {routes.data && routes.data.routes.length > 0 ? (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('inbox.relaySettings.name')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.team')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.when')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.delivery')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {routes.data.routes.map((r) => (
                <Table.Tr key={r.id} style={{ opacity: r.enabled ? 1 : 0.6 }}>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>{r.team}</Table.Td>
                  <Table.Td>{[...r.intents.map((i) => t(`inbox.intent.${i}`)), ...r.tags.map((x) => `#${x}`)].join(', ')}</Table.Td>
                  <Table.Td>
                    {r.delivery === 'email'
                      ? t('inbox.relaySettings.emailEvery', { emails: r.emails.join(', '), count: r.digestMinutes })
                      : t('inbox.relaySettings.webhookTo', { url: r.webhookUrl ?? '' })}
                  </Table.Td>
                  <Table.Td>
                    {editable ? (
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Button size="compact-sm" variant="subtle" onClick={() => setEditing(r)}>
                          {t('inbox.common.edit')}
                        </Button>
                        <ConfirmButton label={t('inbox.common.delete')} question={t('inbox.relaySettings.deleteQuestion', { name: r.name })} onConfirm={() => remove.mutate(r.id)} />
                      </Group>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {editing ? (
          <RouteForm
            wid={wid}
            route={editing === 'new' ? null : editing}
            onDone={(s) => {
              setEditing(null);
              if (s) setSecret(s);
            }}
          />
        ) : null}
      </Paper>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t('inbox.relaySettings.items')}
          </Title>
          <Select
            size="xs"
            w={160}
            aria-label={t('inbox.relaySettings.filterStatus')}
            placeholder={t('inbox.relaySettings.anyStatus')}
            data={(['new', 'sent', 'acknowledged', 'resolved', 'failed'] as const).map((s) => ({ value: s, label: t(`inbox.relay.status.${s}`) }))}
            value={status}
            onChange={setStatus}
            clearable
          />
        </Group>
        <ErrorAlert error={items.error} />
        {items.data && items.data.items.length === 0 ? <Text size="sm">{t('inbox.relaySettings.noItems')}</Text> : null}
        {items.data && items.data.items.length > 0 ? (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('inbox.relaySettings.at')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.team')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.reason')}</Table.Th>
                <Table.Th>{t('inbox.relaySettings.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.data.items.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td>{dates.dateTime(item.createdAt)}</Table.Td>
                  <Table.Td>
                    {item.team} · {item.routeName}
                  </Table.Td>
                  <Table.Td>
                    <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: item.conversationId }}>
                      {item.reason}
                    </RouterAnchor>
                    {item.error ? <Text size="xs" c="red">{item.error}</Text> : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={COLORS[item.status]} size="sm">
                      {t(`inbox.relay.status.${item.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {can(role, 'inbox.reply') ? (
                      <Select
                        size="xs"
                        w={150}
                        aria-label={t('inbox.relaySettings.setStatus')}
                        placeholder={t('inbox.relaySettings.setStatus')}
                        data={(['new', 'acknowledged', 'resolved'] as const).map((s) => ({ value: s, label: t(`inbox.relay.status.${s}`) }))}
                        value={null}
                        onChange={(v) => v && setItem.mutate({ id: item.id, value: v as 'new' | 'acknowledged' | 'resolved' })}
                      />
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Paper>
    </Stack>
  );
}

function RouteForm({ wid, route, onDone }: { wid: string; route: RelayRoute | null; onDone: (secret?: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(route?.name ?? '');
  const [team, setTeam] = useState(route?.team ?? '');
  const [intents, setIntents] = useState<string[]>(route?.intents ?? []);
  const [tags, setTags] = useState<string[]>(route?.tags ?? []);
  const [delivery, setDelivery] = useState<'email' | 'webhook'>(route?.delivery ?? 'email');
  const [emails, setEmails] = useState<string[]>(route?.emails ?? []);
  const [digest, setDigest] = useState<number>(route?.digestMinutes ?? 60);
  const [webhookUrl, setWebhookUrl] = useState(route?.webhookUrl ?? '');
  const [enabled, setEnabled] = useState(route?.enabled ?? true);
  const save = useMutation({
    mutationFn: (rotateSecret: boolean) =>
      inboxApi.saveRelayRoute(wid, route?.id ?? null, {
        name: name.trim(),
        team: team.trim(),
        intents,
        tags: tags.map((x) => x.toLowerCase()),
        delivery,
        ...(delivery === 'email' ? { emails, digestMinutes: digest } : { webhookUrl: webhookUrl.trim() || null }),
        enabled,
        ...(rotateSecret ? { rotateSecret } : {}),
      }),
    onSuccess: (answer) => {
      void client.invalidateQueries({ queryKey: inboxKeys.relayRoutes(wid) });
      onDone(answer.secret ?? undefined);
    },
  });
  return (
    <Paper withBorder p="sm" mt="md" bg="gray.0" component="form" onSubmit={(e) => (e.preventDefault(), save.mutate(false))}>
      <Stack gap="xs">
        <Group grow>
          <TextInput label={t('inbox.relaySettings.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <TextInput label={t('inbox.relaySettings.team')} value={team} onChange={(e) => setTeam(e.currentTarget.value)} required />
        </Group>
        <Group grow>
          <MultiSelect
            label={t('inbox.relaySettings.intents')}
            data={RELAY_INTENTS.map((i) => ({ value: i, label: t(`inbox.intent.${i}`) }))}
            value={intents}
            onChange={setIntents}
            clearable
          />
          <TagsInput label={t('inbox.relaySettings.tags')} value={tags} onChange={setTags} clearable />
        </Group>
        <div>
          <Text size="sm" fw={500} mb={4} id="relay-delivery">
            {t('inbox.relaySettings.delivery')}
          </Text>
          <SegmentedControl
            aria-labelledby="relay-delivery"
            value={delivery}
            onChange={(v) => setDelivery(v as 'email' | 'webhook')}
            data={[
              { value: 'email', label: t('inbox.relaySettings.email') },
              { value: 'webhook', label: t('inbox.relaySettings.webhook') },
            ]}
          />
        </div>
        {delivery === 'email' ? (
          <Group grow>
            <TagsInput label={t('inbox.relaySettings.emails')} value={emails} onChange={setEmails} />
            <NumberInput label={t('inbox.relaySettings.digestMinutes')} min={5} value={digest} onChange={(v) => setDigest(Number(v) || 60)} />
          </Group>
        ) : (
          <TextInput label={t('inbox.relaySettings.webhookUrl')} value={webhookUrl} onChange={(e) => setWebhookUrl(e.currentTarget.value)} placeholder="https://hooks.example.com/…" />
        )}
        <Switch label={t('inbox.relaySettings.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={() => onDone()}>
            {t('common.cancel')}
          </Button>
          {route && delivery === 'webhook' ? (
            <Button variant="light" onClick={() => save.mutate(true)} loading={save.isPending}>
              {t('inbox.relaySettings.rotate')}
            </Button>
          ) : null}
          <Button type="submit" loading={save.isPending} disabled={!name.trim() || !team.trim()}>
            {t('inbox.common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
