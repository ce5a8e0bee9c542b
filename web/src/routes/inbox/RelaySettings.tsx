import { Alert, Badge, Button, Group, MultiSelect, NumberInput, Select, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { INTENTS, can, inboxApi, inboxKeys } from './api/index.ts';
import type { RelayRoute } from './api/index.ts';
import { LabelledSegmentedControl, NewButton, SettingsForm, SettingsListCard, SettingsTable } from './settings-list/SettingsList.tsx';
import { useInvalidatingMutation, useSettingsList } from './settings-list/useSettingsList.ts';

const RELAY_INTENTS = INTENTS.filter((i) => i !== 'other');
const COLORS: Record<string, string> = { new: 'blue', sent: 'teal', acknowledged: 'violet', resolved: 'gray', failed: 'red' };

/** Settings → Relay: routes (intent or tag → a team, by email digest or Slack-compatible webhook) and relayed items with their status. */
export function RelaySettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/relay' });
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const editable = can(role, 'relay.manage');
  const routes = useQuery({ queryKey: inboxKeys.relayRoutes(wid), queryFn: () => inboxApi.relayRoutes(wid) });
  const [status, setStatus] = useState<string | null>(null);
  const items = useQuery({ queryKey: [...inboxKeys.relayItems(wid), status], queryFn: () => inboxApi.relayItems(wid, status ?? undefined) });
  const { editing, setEditing, remove } = useSettingsList<RelayRoute>({
    remove: (id) => inboxApi.deleteRelayRoute(wid, id),
    queryKey: inboxKeys.relayRoutes(wid),
  });
  const [secret, setSecret] = useState<string | null>(null);
  const setItem = useInvalidatingMutation(
    ({ id, value }: { id: string; value: 'new' | 'acknowledged' | 'resolved' }) => inboxApi.setRelayStatus(wid, id, value),
    inboxKeys.relayItems(wid),
  );
  return (
    <Stack gap="lg">
      <SettingsListCard
        title={t('inbox.relaySettings.routes')}
        action={editable ? <NewButton label={t('inbox.relaySettings.newRoute')} onClick={() => setEditing('new')} /> : null}
        intro={t('inbox.relaySettings.intro')}
        notice={
          secret ? (
            <Alert color="teal" title={t('inbox.relaySettings.secretTitle')} withCloseButton onClose={() => setSecret(null)} mb="sm">
              <Text size="sm" mb={4}>{t('inbox.relaySettings.secretBody')}</Text>
              <CopyField value={secret} label={t('inbox.relaySettings.secret')} />
            </Alert>
          ) : null
        }
        error={routes.error ?? remove.error}
        empty={!!routes.data && routes.data.routes.length === 0}
        emptyText={t('inbox.relaySettings.none')}
        editor={
          editing ? (
            <RouteForm
              wid={wid}
              route={editing === 'new' ? null : editing}
              onDone={(s) => {
                setEditing(null);
                if (s) setSecret(s);
              }}
            />
          ) : null
        }
      >
        <SettingsTable
          rows={routes.data?.routes ?? []}
          rowStyle={(r) => ({ opacity: r.enabled ? 1 : 0.6 })}
          columns={[
            { label: t('inbox.relaySettings.name'), cell: (r) => r.name },
            { label: t('inbox.relaySettings.team'), cell: (r) => r.team },
            {
              label: t('inbox.relaySettings.when'),
              cell: (r) => [...r.intents.map((i) => t(`inbox.intent.${i}`)), ...r.tags.map((x) => `#${x}`)].join(', '),
            },
            {
              label: t('inbox.relaySettings.delivery'),
              cell: (r) =>
                r.delivery === 'email'
                  ? t('inbox.relaySettings.emailEvery', { emails: r.emails.join(', '), count: r.digestMinutes })
                  : t('inbox.relaySettings.webhookTo', { url: r.webhookUrl ?? '' }),
            },
          ]}
          editDelete={{
            editable,
            onEdit: setEditing,
            onDelete: (r) => remove.mutate(r.id),
            deleteQuestion: (r) => t('inbox.relaySettings.deleteQuestion', { name: r.name }),
          }}
        />
      </SettingsListCard>
      <SettingsListCard
        title={t('inbox.relaySettings.items')}
        action={
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
        }
        error={items.error}
        empty={!!items.data && items.data.items.length === 0}
        emptyText={t('inbox.relaySettings.noItems')}
      >
        <SettingsTable
          rows={items.data?.items ?? []}
          columns={[
            { label: t('inbox.relaySettings.at'), cell: (item) => dates.dateTime(item.createdAt) },
            {
              label: t('inbox.relaySettings.team'),
              cell: (item) => (
                <>
                  {item.team} · {item.routeName}
                </>
              ),
            },
            {
              label: t('inbox.relaySettings.reason'),
              cell: (item) => (
                <>
                  <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: item.conversationId }}>
                    {item.reason}
                  </RouterAnchor>
                  {item.error ? <Text size="xs" c="red">{item.error}</Text> : null}
                </>
              ),
            },
            {
              label: t('inbox.relaySettings.status'),
              cell: (item) => (
                <Badge color={COLORS[item.status]} size="sm">
                  {t(`inbox.relay.status.${item.status}`)}
                </Badge>
              ),
            },
          ]}
          actions={(item) =>
            can(role, 'inbox.reply') ? (
              <Select
                size="xs"
                w={150}
                aria-label={t('inbox.relaySettings.setStatus')}
                placeholder={t('inbox.relaySettings.setStatus')}
                data={(['new', 'acknowledged', 'resolved'] as const).map((s) => ({ value: s, label: t(`inbox.relay.status.${s}`) }))}
                value={null}
                onChange={(v) => v && setItem.mutate({ id: item.id, value: v as 'new' | 'acknowledged' | 'resolved' })}
              />
            ) : null
          }
        />
      </SettingsListCard>
    </Stack>
  );
}

function RouteForm({ wid, route, onDone }: { wid: string; route: RelayRoute | null; onDone: (secret?: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(route?.name ?? '');
  const [team, setTeam] = useState(route?.team ?? '');
  const [intents, setIntents] = useState<string[]>(route?.intents ?? []);
  const [tags, setTags] = useState<string[]>(route?.tags ?? []);
  const [delivery, setDelivery] = useState<'email' | 'webhook'>(route?.delivery ?? 'email');
  const [emails, setEmails] = useState<string[]>(route?.emails ?? []);
  const [digest, setDigest] = useState<number>(route?.digestMinutes ?? 60);
  const [webhookUrl, setWebhookUrl] = useState(route?.webhookUrl ?? '');
  const [enabled, setEnabled] = useState(route?.enabled ?? true);
  const save = useInvalidatingMutation(
    (rotateSecret: boolean) =>
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
    inboxKeys.relayRoutes(wid),
    (answer) => onDone(answer.secret ?? undefined),
  );
  return (
    <SettingsForm
      onSubmit={() => save.mutate(false)}
      onCancel={() => onDone()}
      error={save.error}
      saving={save.isPending}
      canSave={!!name.trim() && !!team.trim()}
      extraButtons={
        route && delivery === 'webhook' ? (
          <Button variant="light" onClick={() => save.mutate(true)} loading={save.isPending}>
            {t('inbox.relaySettings.rotate')}
          </Button>
        ) : null
      }
    >
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
      <LabelledSegmentedControl
        id="relay-delivery"
        label={t('inbox.relaySettings.delivery')}
        value={delivery}
        onChange={setDelivery}
        data={[
          { value: 'email', label: t('inbox.relaySettings.email') },
          { value: 'webhook', label: t('inbox.relaySettings.webhook') },
        ]}
      />
      {delivery === 'email' ? (
        <Group grow>
          <TagsInput label={t('inbox.relaySettings.emails')} value={emails} onChange={setEmails} />
          <NumberInput label={t('inbox.relaySettings.digestMinutes')} min={5} value={digest} onChange={(v) => setDigest(Number(v) || 60)} />
        </Group>
      ) : (
        <TextInput label={t('inbox.relaySettings.webhookUrl')} value={webhookUrl} onChange={(e) => setWebhookUrl(e.currentTarget.value)} placeholder="https://hooks.example.com/…" />
      )}
      <Switch label={t('inbox.relaySettings.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
    </SettingsForm>
  );
}
