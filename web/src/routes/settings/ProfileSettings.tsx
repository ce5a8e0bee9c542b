import { Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { useMe } from '../../api/queries.ts';
import { refreshSession } from '../../api/session.ts';
import type { Locale, User } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { NewPasswordWithConfirmation, useNewPassword } from '../../components/NewPasswordFields.tsx';
import { LanguageSelect } from '../../components/LanguageSelect.tsx';
import { Section } from '../../components/Section.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';
import { TwoFactorSection } from './TwoFactorSection.tsx';

/** The signed-in user's name, language, password and two-factor sign-in. */
export function ProfileSettings() {
  const user = useMe().data?.user;
  if (!user) return null;
  return (
    <Stack gap="lg">
      <ProfileForm user={user} />
      <PasswordForm />
      <TwoFactorSection user={user} />
    </Stack>
  );
}

function ProfileForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState<Locale | null>(user.locale);
  const save = useMutation({
    mutationFn: () => api.updateMe({ name: name.trim(), locale }),
    onSuccess: async () => {
      await refreshSession();
      notifications.show({ color: 'teal', message: t('common.saved') });
    },
  });
  const nameError = useFieldError(save.error, 'name');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Section title={t('settings.profile.title')} description={t('settings.profile.description', { email: user.email })}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={520}>
          <ErrorAlert error={isFieldError(save.error, ['name']) ? null : save.error} />
          <TextInput
            label={t('fields.name')}
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            required
          />
          <LanguageSelect label={t('settings.profile.language')} value={locale} onChange={setLocale} allowAuto />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const next = useNewPassword();
  const change = useMutation({
    mutationFn: () => api.changePassword(current, next.password),
    onSuccess: () => {
      setCurrent('');
      next.clear();
      notifications.show({ color: 'teal', message: t('settings.password.changed') });
    },
  });
  const newFieldError = useFieldError(change.error, 'newPassword');
  const passwordFieldError = useFieldError(change.error, 'password');
  const newError = newFieldError ?? passwordFieldError;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next.matches()) change.mutate();
  };
  return (
    <Section title={t('settings.password.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={520}>
          <ErrorAlert error={isFieldError(change.error, ['newPassword', 'password']) ? null : change.error} />
          <PasswordInput
            label={t('settings.password.current')}
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
          />
          <NewPasswordWithConfirmation
            state={next}
            label={t('settings.password.new')}
            confirmLabel={t('settings.password.confirm')}
            error={newError}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              {t('settings.password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
