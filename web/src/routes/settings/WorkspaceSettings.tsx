import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import { refreshSession } from '../../api/session.ts';
import type { Locale } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LanguageSelect } from '../../components/LanguageSelect.tsx';
import { Section } from '../../components/Section.tsx';
import { TimeZoneSelect } from '../../components/TimeZoneSelect.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';
import { canAdminister } from '../../lib/roles.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';

/** The workspace's name, time zone and language; editable by owners and admins. */
export function WorkspaceSettings() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const editable = canAdminister(role);
  const [name, setName] = useState(workspace.name);
  const [timezone, setTimezone] = useState(workspace.timezone);
  const [language, setLanguage] = useState<Locale>(workspace.language);
  const save = useMutation({
    mutationFn: () => api.updateWorkspace(workspace.id, { name: name.trim(), timezone, language }),
    onSuccess: async () => {
      await Promise.all([refreshSession(), queryClient.invalidateQueries({ queryKey: keys.workspace(workspace.id) })]);
      notifications.show({ color: 'teal', message: t('common.saved') });
    },
  });
  const nameError = useFieldError(save.error, 'name');
  const zoneError = useFieldError(save.error, 'timezone');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Section title={t('settings.workspace.title')} description={t('settings.workspace.description')}>
      {!editable ? (
        <Alert color="gray" variant="light">
          {t('settings.readOnly', { role: t(`roles.${role}`) })}
        </Alert>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={520}>
          <ErrorAlert error={isFieldError(save.error, ['name', 'timezone']) ? null : save.error} />
          <TextInput
            label={t('workspace.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            disabled={!editable}
            error={nameError}
            required
          />
          <TimeZoneSelect value={timezone} onChange={setTimezone} disabled={!editable} error={zoneError} />
          <LanguageSelect
            label={t('workspace.language')}
            value={language}
            onChange={(value) => value && setLanguage(value)}
            disabled={!editable}
          />
          {editable ? (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
    </Section>
  );
}
