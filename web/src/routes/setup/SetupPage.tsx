import { Button, Group, Stack, Stepper, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient, useMe } from '../../api/queries.ts';
import { refreshSession } from '../../api/session.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { NewPasswordInput } from '../../components/NewPasswordFields.tsx';
import { storedLocale } from '../../i18n/index.ts';
import { isFieldError, useFieldError } from '../../lib/errors.ts';
import { WorkspaceForm } from '../workspaces/WorkspaceForm.tsx';

/** First visit: create the owner account, then the first workspace. */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const step = me.data ? 1 : 0;
  return (
    <AuthLayout title={t('setup.title')} subtitle={t('setup.subtitle')} width={560}>
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={t('setup.stepOwner')} description={t('setup.stepOwnerHelp')}>
          <OwnerForm />
        </Stepper.Step>
        <Stepper.Step label={t('setup.stepWorkspace')} description={t('setup.stepWorkspaceHelp')}>
          <WorkspaceForm
            submitLabel={t('setup.finish')}
            onCreated={async ({ workspace }) => {
              await refreshSession();
              await navigate({ to: '/w/$wid/calendar', params: { wid: workspace.id } });
            }}
          />
        </Stepper.Step>
      </Stepper>
    </AuthLayout>
  );
}

function OwnerForm() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signup = useMutation({
    // Only a language the visitor picked becomes their setting; otherwise it follows the browser ("auto").
    mutationFn: () => {
      const locale = storedLocale();
      return api.signup({ name: name.trim(), email: email.trim(), password, ...(locale ? { locale } : {}) });
    },
    onSuccess: async () => {
      queryClient.setQueryData(keys.setup, { needsOwner: false });
      await refreshSession();
    },
  });
  const fields = ['name', 'email', 'password'] as const;
  const nameError = useFieldError(signup.error, 'name');
  const emailError = useFieldError(signup.error, 'email');
  const passwordError = useFieldError(signup.error, 'password');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" mt="md">
        <ErrorAlert error={isFieldError(signup.error, fields) ? null : signup.error} />
        <TextInput
          label={t('fields.name')}
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          required
          autoFocus
        />
        <TextInput
          label={t('fields.email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={emailError}
          required
        />
        <NewPasswordInput value={password} onChange={setPassword} error={passwordError} />
        <Group justify="flex-end" mt="sm">
          <Button type="submit" loading={signup.isPending}>
            {t('setup.createOwner')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
