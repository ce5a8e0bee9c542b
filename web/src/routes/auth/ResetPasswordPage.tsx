import { Alert, Anchor, Button, Group } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { NewPasswordWithConfirmation, useNewPassword } from '../../components/NewPasswordFields.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';

/** Sets a new password from an emailed link; explains expired or already used links. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token } = useParams({ from: '/reset/$token' });
  const password = useNewPassword();
  const reset = useMutation({ mutationFn: () => api.confirmPasswordReset(token, password.password) });
  const passwordError = useFieldError(reset.error, 'password');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.matches()) reset.mutate();
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
          <NewPasswordWithConfirmation
            state={password}
            label={t('reset.newPassword')}
            confirmLabel={t('reset.confirm')}
            error={passwordError}
            mt="sm"
            autoFocus
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
