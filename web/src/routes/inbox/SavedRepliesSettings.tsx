import { Button, Code, Group, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys, useSavedReplies } from './inbox-api.ts';
import type { SavedReply } from './inbox-api.ts';

const VARIABLES = ['first_name', 'name', 'handle', 'agent_name', 'agent_first_name', 'brand'];

/** Settings → Saved replies: texts with variables ({{first_name}}…) filled when inserted in a reply. */
export function SavedRepliesSettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/saved-replies' });
  const { role } = useCurrentWorkspace();
  const editable = can(role, 'inbox.reply');
  const saved = useSavedReplies(wid);
  const client = useQueryClient();
  const [editing, setEditing] = useState<SavedReply | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => inboxApi.deleteSavedReply(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.savedReplies(wid) }),
  });
  const list = saved.data?.savedReplies ?? [];
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('inbox.savedReplies.title')}
        </Title>
        {editable ? (
          <Button size="xs" onClick={() => setEditing('new')}>
            {t('inbox.savedReplies.new')}
          </Button>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('inbox.savedReplies.intro')} {VARIABLES.map((v) => <Code key={v} mr={4}>{`{{${v}}}`}</Code>)}
      </Text>
      <ErrorAlert error={saved.error} />
      {saved.data && list.length === 0 ? <Text size="sm">{t('inbox.savedReplies.none')}</Text> : null}
      {list.length > 0 ? (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('inbox.savedReplies.name')}</Table.Th>
              <Table.Th>{t('inbox.savedReplies.body')}</Table.Th>
              <Table.Th>{t('inbox.savedReplies.language')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  {r.name}
                  {r.shortcut ? <Text size="xs" c="dimmed">/{r.shortcut}</Text> : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                    {r.body}
                  </Text>
                </Table.Td>
                <Table.Td>{r.language ? t(`inbox.lang.${r.language}`) : t('inbox.savedReplies.anyLanguage')}</Table.Td>
                <Table.Td>
                  {editable ? (
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button size="compact-sm" variant="subtle" onClick={() => setEditing(r)}>
                        {t('inbox.common.edit')}
                      </Button>
                      <ConfirmButton
                        label={t('inbox.common.delete')}
                        question={t('inbox.savedReplies.deleteQuestion', { name: r.name })}
                        onConfirm={() => remove.mutate(r.id)}
                      />
                    </Group>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {editing ? <SavedReplyForm wid={wid} reply={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
    </Paper>
  );
}

function SavedReplyForm({ wid, reply, onDone }: { wid: string; reply: SavedReply | null; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(reply?.name ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const [language, setLanguage] = useState<string | null>(reply?.language ?? null);
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const save = useMutation({
    mutationFn: () =>
      inboxApi.saveSavedReply(wid, reply?.id ?? null, { name: name.trim(), body: body.trim(), language, shortcut: shortcut.trim() || null }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: inboxKeys.savedReplies(wid) });
      onDone();
    },
  });
  return (
    <Paper withBorder p="sm" mt="md" bg="gray.0" component="form" onSubmit={(e) => (e.preventDefault(), save.mutate())}>
      <Stack gap="xs">
        <Group grow>
          <TextInput label={t('inbox.savedReplies.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <TextInput label={t('inbox.savedReplies.shortcut')} value={shortcut} onChange={(e) => setShortcut(e.currentTarget.value)} />
          <Select
            label={t('inbox.savedReplies.language')}
            data={[
              { value: 'fr', label: t('inbox.lang.fr') },
              { value: 'en', label: t('inbox.lang.en') },
            ]}
            value={language}
            onChange={setLanguage}
            clearable
            placeholder={t('inbox.savedReplies.anyLanguage')}
          />
        </Group>
        <Textarea label={t('inbox.savedReplies.body')} autosize minRows={3} value={body} onChange={(e) => setBody(e.currentTarget.value)} required />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!name.trim() || !body.trim()}>
            {t('inbox.common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
