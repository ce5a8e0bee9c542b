import { Code, Group, Select, Text, TextInput, Textarea } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys, useSavedReplies } from './api/index.ts';
import type { SavedReply } from './api/index.ts';
import { NewButton, SettingsForm, SettingsListCard, SettingsTable } from './settings-list/SettingsList.tsx';
import { useInvalidatingMutation, useSettingsList } from './settings-list/useSettingsList.ts';

const VARIABLES = ['first_name', 'name', 'handle', 'agent_name', 'agent_first_name', 'brand'];

/** Settings → Saved replies: texts with variables ({{first_name}}…) filled when inserted in a reply. */
export function SavedRepliesSettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/saved-replies' });
  const { role } = useCurrentWorkspace();
  const editable = can(role, 'inbox.reply');
  const saved = useSavedReplies(wid);
  const { editing, setEditing, remove } = useSettingsList<SavedReply>({
    remove: (id) => inboxApi.deleteSavedReply(wid, id),
    queryKey: inboxKeys.savedReplies(wid),
  });
  const list = saved.data?.savedReplies ?? [];
  return (
    <SettingsListCard
      title={t('inbox.savedReplies.title')}
      action={editable ? <NewButton label={t('inbox.savedReplies.new')} onClick={() => setEditing('new')} /> : null}
      intro={
        <>
          {t('inbox.savedReplies.intro')} {VARIABLES.map((v) => <Code key={v} mr={4}>{`{{${v}}}`}</Code>)}
        </>
      }
      error={saved.error ?? remove.error}
      empty={!!saved.data && list.length === 0}
      emptyText={t('inbox.savedReplies.none')}
      editor={editing ? <SavedReplyForm wid={wid} reply={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
    >
      <SettingsTable
        rows={list}
        columns={[
          {
            label: t('inbox.savedReplies.name'),
            cell: (r) => (
              <>
                {r.name}
                {r.shortcut ? <Text size="xs" c="dimmed">/{r.shortcut}</Text> : null}
              </>
            ),
          },
          {
            label: t('inbox.savedReplies.body'),
            cell: (r) => (
              <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                {r.body}
              </Text>
            ),
          },
          {
            label: t('inbox.savedReplies.language'),
            cell: (r) => (r.language ? t(`inbox.lang.${r.language}`) : t('inbox.savedReplies.anyLanguage')),
          },
        ]}
        editDelete={{
          editable,
          onEdit: setEditing,
          onDelete: (r) => remove.mutate(r.id),
          deleteQuestion: (r) => t('inbox.savedReplies.deleteQuestion', { name: r.name }),
        }}
      />
    </SettingsListCard>
  );
}

function SavedReplyForm({ wid, reply, onDone }: { wid: string; reply: SavedReply | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(reply?.name ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const [language, setLanguage] = useState<string | null>(reply?.language ?? null);
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const save = useInvalidatingMutation(
    () => inboxApi.saveSavedReply(wid, reply?.id ?? null, { name: name.trim(), body: body.trim(), language, shortcut: shortcut.trim() || null }),
    inboxKeys.savedReplies(wid),
    onDone,
  );
  return (
    <SettingsForm onSubmit={() => save.mutate()} onCancel={onDone} error={save.error} saving={save.isPending} canSave={!!name.trim() && !!body.trim()}>
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
    </SettingsForm>
  );
}
