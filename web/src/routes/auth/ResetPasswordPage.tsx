import { Alert, Anchor, Button, Group, PasswordInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';

/** Sets a new password from an emailed link; explains expired or already used links. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token } = useParams({ from: '/reset/$token' });
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({ mutationFn: () => api.confirmPasswordReset(token, password) });
  const passwordError = useFieldError(reset.error, 'password');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const differs = password !== confirm;
    setMismatch(differs);
    if (!differs) reset.mutate();
  };

  const invalidLink = reset.error instanceof ApiError && reset.error.code === 'reset_token_invalid';

  return (
    <AuthLayout title={t('reset.title')}>
      {reset.isSuccess ? (
        <Alert color="teal" role="status">
          {t('reset.done')}
        </Alert>
      ) : invalidLink ? (
        <Alert color="orange" title={t('reset.invalidTitle')} role="alert">
          {t('reset.invalidBody')}{' '}
          <Anchor component={Link} to="/forgot" inherit>
            {t('reset.askAgain')}
          </Anchor>
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={isFieldError(reset.error, ['password']) ? null : reset.error} />
          <PasswordInput
            label={t('reset.newPassword')}
            description={t('fields.passwordHelp')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
            required
            mt="sm"
            autoFocus
          />
          <PasswordInput
            label={t('reset.confirm')}
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? t('reset.mismatch') : undefined}
            required
            mt="sm"
          />
          <Group justify="flex-end" mt="lg">
            <Button type="submit" loading={reset.isPending}>
              {t('reset.submit')}
            </Button>
          </Group>
        </form>
      )}
      <Anchor component={Link} to="/signin" size="sm">
        {t('reset.toSignIn')}
      </Anchor>
    </AuthLayout>
  );
}
