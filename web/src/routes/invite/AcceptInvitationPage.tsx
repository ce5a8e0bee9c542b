import { Alert, Anchor, Button, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import { useMe } from '../../api/queries.ts';
import { refreshSession, signOut } from '../../api/session.ts';
import type { InvitationPreview, WorkspaceResponse } from '../../api/types.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { NewPasswordInput } from '../../components/NewPasswordFields.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';

/** Shows an invitation (workspace, role) and lets the invited person join, creating an account if needed. */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { token } = useParams({ from: '/invite/$token' });
  const navigate = useNavigate();
  const me = useMe();
  const preview = useQuery({ queryKey: ['invitation', token], queryFn: () => api.invitation(token) });

  const joined = async ({ workspace }: WorkspaceResponse) => {
    const session = await refreshSession();
    if (session) await navigate({ to: '/w/$wid/calendar', params: { wid: workspace.id } });
    else await navigate({ to: '/signin', search: { redirect: `/w/${workspace.id}/calendar` } });
  };

  if (preview.isPending || me.isPending) {
    return (
      <AuthLayout title={t('invite.title')}>
        <Loader aria-label={t('common.loading')} />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    const invalid = preview.error instanceof ApiError && preview.error.code === 'invitation_invalid';
    return (
      <AuthLayout title={t('invite.title')}>
        {invalid ? (
          <Alert color="orange" title={t('invite.invalidTitle')} role="alert">
            {t('invite.invalidBody')}
          </Alert>
        ) : (
          <ErrorAlert error={preview.error} />
        )}
        <Anchor component={Link} to="/" size="sm">
          {t('notFound.home')}
        </Anchor>
      </AuthLayout>
    );
  }

  const invitation = preview.data;
  const user = me.data?.user;
  return (
    <AuthLayout
      title={t('invite.title')}
      subtitle={
        <Trans
          i18nKey="invite.summary"
          values={{ workspace: invitation.workspace.name, role: t(`roles.${invitation.role}`) }}
          components={{ b: <strong /> }}
        />
      }
    >
      <Text size="sm">{t('invite.forEmail', { email: invitation.email })}</Text>
      {user ? (
        user.email.toLowerCase() === invitation.email.toLowerCase() ? (
          <AcceptAsUser token={token} onJoined={joined} />
        ) : (
          <WrongAccount signedInAs={user.email} invitation={invitation} />
        )
      ) : invitation.userExists ? (
        <SignInThenAccept token={token} invitation={invitation} onJoined={joined} />
      ) : (
        <CreateAccount token={token} onJoined={joined} />
      )}
    </AuthLayout>
  );
}

function AcceptAsUser({ token, onJoined }: { token: string; onJoined: (r: WorkspaceResponse) => Promise<void> }) {
  const { t } = useTranslation();
  const accept = useMutation({ mutationFn: () => api.acceptInvitation(token), onSuccess: onJoined });
  return (
    <Stack>
      <ErrorAlert error={accept.error} />
      <Group justify="flex-end">
        <Button onClick={() => accept.mutate()} loading={accept.isPending}>
          {t('invite.accept')}
        </Button>
      </Group>
    </Stack>
  );
}

function WrongAccount({ signedInAs, invitation }: { signedInAs: string; invitation: InvitationPreview }) {
  const { t } = useTranslation();
  const out = useMutation({ mutationFn: signOut });
  return (
    <Stack>
      <Alert color="orange" role="alert">
        {t('invite.wrongAccount', { current: signedInAs, email: invitation.email })}
      </Alert>
      <Group justify="flex-end">
        <Button variant="light" onClick={() => out.mutate()} loading={out.isPending}>
          {t('user.signOut')}
        </Button>
      </Group>
    </Stack>
  );
}

function SignInThenAccept({ token, invitation, onJoined }: {
  token: string;
  invitation: InvitationPreview;
  onJoined: (r: WorkspaceResponse) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const join = useMutation({
    mutationFn: async () => {
      await api.signin({ email: invitation.email, password, ...(needsTotp ? { totp } : {}) });
      return api.acceptInvitation(token);
    },
    onSuccess: onJoined,
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'totp_required') setNeedsTotp(true);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    join.mutate();
  };
  const error = join.error instanceof ApiError && join.error.code === 'totp_required' ? null : join.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('invite.signInFirst')}
        </Text>
        <ErrorAlert error={error} />
        <TextInput label={t('fields.email')} value={invitation.email} readOnly autoComplete="username" />
        <PasswordInput
          label={t('fields.password')}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
          autoFocus
        />
        {needsTotp ? (
          <TextInput
            label={t('signin.totp')}
            inputMode="numeric"
            autoComplete="one-time-code"
            value={totp}
            onChange={(e) => setTotp(e.currentTarget.value.trim())}
            required
            autoFocus
          />
        ) : null}
        <Group justify="space-between">
          <Anchor component={Link} to="/forgot" size="sm">
            {t('signin.forgot')}
          </Anchor>
          <Button type="submit" loading={join.isPending}>
            {t('invite.signInAndAccept')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CreateAccount({ token, onJoined }: { token: string; onJoined: (r: WorkspaceResponse) => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const join = useMutation({
    mutationFn: () => api.acceptInvitation(token, { name: name.trim(), password }),
    onSuccess: onJoined,
  });
  const nameError = useFieldError(join.error, 'name');
  const passwordError = useFieldError(join.error, 'password');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    join.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('invite.createAccount')}
        </Text>
        <ErrorAlert error={isFieldError(join.error, ['name', 'password']) ? null : join.error} />
        <TextInput
          label={t('fields.name')}
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          required
          autoFocus
        />
        <NewPasswordInput value={password} onChange={setPassword} error={passwordError} />
        <Group justify="flex-end">
          <Button type="submit" loading={join.isPending}>
            {t('invite.createAndAccept')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
