import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Locale, WorkspaceResponse } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LanguageSelect } from '../../components/LanguageSelect.tsx';
import { TimeZoneSelect } from '../../components/TimeZoneSelect.tsx';
import { currentLocale } from '../../i18n/index.ts';
import { browserTimeZone } from '../../lib/format.ts';
import { isFieldError, useFieldError } from '../../lib/errors.ts';

/** Creates a workspace (a brand): name, time zone (defaults to the browser's) and language. */
export function WorkspaceForm({ onCreated, submitLabel }: {
  onCreated: (created: WorkspaceResponse) => void | Promise<void>;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [language, setLanguage] = useState<Locale>(currentLocale);
  const create = useMutation({
    mutationFn: () => api.createWorkspace({ name: name.trim(), timezone, language }),
    onSuccess: onCreated,
  });
  const nameError = useFieldError(create.error, 'name');
  const zoneError = useFieldError(create.error, 'timezone');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={isFieldError(create.error, ['name', 'timezone']) ? null : create.error} />
        <TextInput
          label={t('workspace.name')}
          description={t('workspace.nameHelp')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          required
          autoFocus
        />
        <TimeZoneSelect value={timezone} onChange={setTimezone} error={zoneError} />
        <LanguageSelect
          label={t('workspace.language')}
          value={language}
          onChange={(value) => value && setLanguage(value)}
        />
        <Group justify="flex-end" mt="sm">
          <Button type="submit" loading={create.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
