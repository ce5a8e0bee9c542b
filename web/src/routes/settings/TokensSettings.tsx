import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import type { ApiToken, CreatedToken, Role } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RoleSelect } from '../../components/RoleSelect.tsx';
import { Section } from '../../components/Section.tsx';
import { isFieldError, useFieldError } from '../../lib/errors.ts';
import { grantableRoles } from '../../lib/roles.ts';
import { endOfDay, today } from '../../lib/zoned.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';

/** API tokens for scripts and integrations: create (secret shown once), list, revoke. */
export function TokensSettings() {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const tokens = useQuery({ queryKey: keys.tokens(workspace.id), queryFn: () => api.tokens(workspace.id) });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <Stack gap="lg">
      <Section title={t('settings.tokens.createTitle')} description={t('settings.tokens.description')}>
        {created ? (
          <Alert color="teal" variant="light" title={t('settings.tokens.createdTitle', { name: created.token.name })}>
            <Stack gap="xs">
              <Text size="sm">{t('settings.tokens.shownOnce')}</Text>
              <CopyField label={t('settings.tokens.secret')} value={created.secret} testId="token-secret" />
              <Group justify="flex-end">
                <Button variant="default" size="compact-sm" onClick={() => setCreated(null)}>
                  {t('settings.tokens.done')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <CreateTokenForm onCreated={setCreated} />
        )}
      </Section>
      <Section title={t('settings.tokens.listTitle')}>
        <ErrorAlert error={tokens.error} />
        {tokens.data && tokens.data.tokens.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('settings.tokens.none')}
          </Text>
        ) : null}
        {tokens.data && tokens.data.tokens.length > 0 ? (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.name')}</Table.Th>
                  <Table.Th>{t('fields.role')}</Table.Th>
                  <Table.Th>{t('settings.tokens.createdBy')}</Table.Th>
                  <Table.Th>{t('settings.tokens.created')}</Table.Th>
                  <Table.Th>{t('settings.tokens.lastUsed')}</Table.Th>
                  <Table.Th>{t('settings.tokens.expires')}</Table.Th>
                  <Table.Th>{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.data.tokens.map((token) => (
                  <TokenRow key={token.id} token={token} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Section>
    </Stack>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const { t } = useTranslation();
  const { workspace, role: ownRole } = useCurrentWorkspace();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [expires, setExpires] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.createToken(workspace.id, {
        name: name.trim(),
        role,
        ...(expires ? { expiresAt: endOfDay(expires, workspace.timezone) } : {}),
      }),
    onSuccess: (created) => {
      setName('');
      setExpires(null);
      onCreated(created);
      return queryClient.invalidateQueries({ queryKey: keys.tokens(workspace.id) });
    },
  });
  const nameError = useFieldError(create.error, 'name');
  const expiresError = useFieldError(create.error, 'expiresAt');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={isFieldError(create.error, ['name', 'expiresAt']) ? null : create.error} />
        <Group align="flex-start" gap="sm">
          <TextInput
            label={t('settings.tokens.name')}
            description={t('settings.tokens.nameHelp')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            required
            style={{ flex: 1, minWidth: 220 }}
          />
          <RoleSelect label={t('fields.role')} value={role} roles={grantableRoles(ownRole)} onChange={setRole} />
          <DateInput
            label={t('settings.tokens.expiry')}
            description={t('settings.tokens.expiryHelp')}
            placeholder={t('settings.tokens.never')}
            value={expires}
            onChange={setExpires}
            minDate={today(workspace.timezone)}
            clearable
            error={expiresError}
            valueFormat="D MMM YYYY"
            w={200}
          />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            {t('settings.tokens.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TokenRow({ token }: { token: ApiToken }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const revoke = useMutation({
    mutationFn: () => api.revokeToken(workspace.id, token.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.tokens(workspace.id) }),
  });
  const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() < Date.now();
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {token.name}
        </Text>
        <ErrorAlert error={revoke.error} />
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color="gray">
          {t(`roles.${token.role}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{token.createdBy.name}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{dates.dateTime(token.createdAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{token.lastUsedAt ? dates.dateTime(token.lastUsedAt) : t('settings.tokens.neverUsed')}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={expired ? 'red' : undefined}>
          {token.expiresAt ? dates.dateTime(token.expiresAt) : t('settings.tokens.never')}
          {expired ? ` (${t('settings.tokens.expired')})` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <ConfirmButton
          label={t('settings.tokens.revoke')}
          aria-label={t('settings.tokens.revokeWhich', { name: token.name })}
          question={t('settings.tokens.revokeConfirm', { name: token.name })}
          onConfirm={() => revoke.mutate()}
          loading={revoke.isPending}
        />
      </Table.Td>
    </Table.Tr>
  );
}
