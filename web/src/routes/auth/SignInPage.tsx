import { Anchor, Button, Group, PasswordInput, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import { refreshSession } from '../../api/session.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

/** Email + password, then a TOTP code when the account has two-factor sign-in. */
export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const search = useSearch({ from: '/signin' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);

  const signIn = useMutation({
    mutationFn: () => api.signin({ email, password, ...(needsTotp ? { totp } : {}) }),
    onSuccess: async () => {
      await refreshSession();
      await navigate({ href: search.redirect ?? '/' });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'totp_required') setNeedsTotp(true);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  // Asking for the code is a step of the flow, not a failure worth a red alert.
  const error = signIn.error instanceof ApiError && signIn.error.code === 'totp_required' ? null : signIn.error;

  return (
    <AuthLayout title={t('signin.title')} subtitle={t('signin.subtitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextInput
          label={t('fields.email')}
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          required
          mt="sm"
          autoFocus
        />
        <PasswordInput
          label={t('fields.password')}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
          mt="sm"
        />
        {needsTotp ? (
          <TextInput
            label={t('signin.totp')}
            description={t('signin.totpHelp')}
            inputMode="numeric"
            autoComplete="one-time-code"
            value={totp}
            onChange={(e) => setTotp(e.currentTarget.value.trim())}
            required
            mt="sm"
            autoFocus
          />
        ) : null}
        <Group justify="space-between" mt="lg">
          <Anchor component={Link} to="/forgot" size="sm">
            {t('signin.forgot')}
          </Anchor>
          <Button type="submit" loading={signIn.isPending}>
            {t('signin.submit')}
          </Button>
        </Group>
      </form>
    </AuthLayout>
  );
}
