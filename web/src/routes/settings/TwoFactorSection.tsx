import { Alert, Badge, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { refreshSession } from '../../api/session.ts';
import type { User } from '../../api/types.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import { Section } from '../../components/Section.tsx';

/** Two-factor sign-in with an authenticator app (TOTP): set up, confirm with a code, or turn off. */
export function TwoFactorSection({ user }: { user: User }) {
  const { t } = useTranslation();
  return (
    <Section
      title={t('settings.totp.title')}
      description={t('settings.totp.description')}
      actions={
        <Badge color={user.totpEnabled ? 'teal' : 'gray'} variant="light">
          {user.totpEnabled ? t('settings.totp.on') : t('settings.totp.off')}
        </Badge>
      }
    >
      {user.totpEnabled ? <DisableTotp /> : <EnableTotp />}
    </Section>
  );
}

function EnableTotp() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const setup = useMutation({ mutationFn: api.totpSetup });
  const enable = useMutation({
    mutationFn: () => api.totpEnable(code),
    onSuccess: async () => {
      setup.reset();
      setCode('');
      await refreshSession();
      notifications.show({ color: 'teal', message: t('settings.totp.enabled') });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enable.mutate();
  };
  if (!setup.data) {
    return (
      <Stack gap="sm" align="flex-start">
        <ErrorAlert error={setup.error} />
        <Button onClick={() => setup.mutate()} loading={setup.isPending}>
          {t('settings.totp.setUp')}
        </Button>
      </Stack>
    );
  }
  return (
    <Stack gap="md" maw={640}>
      <Text size="sm">{t('settings.totp.scan')}</Text>
      <QrCode text={setup.data.otpauthUrl} label={t('settings.totp.qrLabel')} />
      <CopyField label={t('settings.totp.secret')} value={setup.data.secret} testId="totp-secret" />
      <CopyField label={t('settings.totp.url')} value={setup.data.otpauthUrl} />
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={enable.error} />
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t('settings.totp.code')}
              description={t('settings.totp.codeHelp')}
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value.trim())}
              required
              w={220}
            />
            <Button type="submit" loading={enable.isPending}>
              {t('settings.totp.enable')}
            </Button>
            <Button variant="default" onClick={() => setup.reset()}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function DisableTotp() {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const disable = useMutation({
    mutationFn: () => api.totpDisable(password),
    onSuccess: async () => {
      setPassword('');
      await refreshSession();
      notifications.show({ message: t('settings.totp.disabled') });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={520}>
        <Alert color="teal" variant="light">
          {t('settings.totp.activeHelp')}
        </Alert>
        <ErrorAlert error={disable.error} />
        <Group align="flex-end" gap="sm">
          <PasswordInput
            label={t('settings.totp.password')}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            style={{ flex: 1 }}
          />
          <Button type="submit" color="red" variant="light" loading={disable.isPending}>
            {t('settings.totp.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
