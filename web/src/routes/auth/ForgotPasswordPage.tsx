import { Alert, Anchor, Button, Group, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

/** Asks for a password-reset link by email; the answer is the same whether the account exists or not. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const send = useMutation({ mutationFn: () => api.requestPasswordReset(email) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  return (
    <AuthLayout title={t('forgot.title')} subtitle={t('forgot.subtitle')}>
      {send.isSuccess ? (
        <Alert color="teal" role="status">
          {t('forgot.sent', { email })}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={send.error} />
          <TextInput
            label={t('fields.email')}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
            mt="sm"
            autoFocus
          />
          <Group justify="flex-end" mt="lg">
            <Button type="submit" loading={send.isPending}>
              {t('forgot.submit')}
            </Button>
          </Group>
        </form>
      )}
      <Anchor component={Link} to="/signin" size="sm">
        {t('forgot.back')}
      </Anchor>
    </AuthLayout>
  );
}
