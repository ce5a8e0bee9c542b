import { Alert, Button, CopyButton, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import type { Invitation, Role } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RoleSelect } from '../../components/RoleSelect.tsx';
import { Section } from '../../components/Section.tsx';
import { useFieldError } from '../../lib/errors.ts';
import { grantableRoles } from '../../lib/roles.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';

/** Invite by email with a role; pending invitations with their link, and revoke. */
export function InvitationsPanel() {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const invitations = useQuery({
    queryKey: keys.invitations(workspace.id),
    queryFn: () => api.invitations(workspace.id),
  });
  return (
    <Section title={t('settings.invitations.title')} description={t('settings.invitations.description')}>
      <InviteForm />
      <ErrorAlert error={invitations.error} />
      {invitations.data && invitations.data.invitations.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('settings.invitations.none')}
        </Text>
      ) : null}
      {invitations.data && invitations.data.invitations.length > 0 ? (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" data-testid="invitations-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.email')}</Table.Th>
                <Table.Th>{t('fields.role')}</Table.Th>
                <Table.Th>{t('settings.invitations.invitedBy')}</Table.Th>
                <Table.Th>{t('settings.invitations.expires')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.data.invitations.map((invitation) => (
                <InvitationRow key={invitation.id} invitation={invitation} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Section>
  );
}

function InviteForm() {
  const { t } = useTranslation();
  const { workspace, role: ownRole } = useCurrentWorkspace();
  const roles = grantableRoles(ownRole);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const invite = useMutation({
    mutationFn: () => api.invite(workspace.id, email.trim(), role),
    onSuccess: () => {
      setEmail('');
      return queryClient.invalidateQueries({ queryKey: keys.invitations(workspace.id) });
    },
  });
  const emailError = useFieldError(invite.error, 'email');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <Stack gap="sm">
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" gap="sm">
          <TextInput
            label={t('fields.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
            required
            style={{ flex: 1, minWidth: 220 }}
          />
          <RoleSelect label={t('fields.role')} value={role} roles={roles} onChange={setRole} />
          <Button type="submit" loading={invite.isPending} mt={25}>
            {t('settings.invitations.send')}
          </Button>
        </Group>
      </form>
      {emailError ? null : <ErrorAlert error={invite.error} />}
      {invite.data ? (
        <Alert color="teal" variant="light" title={t('settings.invitations.created', { email: invite.data.invitation.email })}>
          <Stack gap="xs">
            <Text size="sm">{t('settings.invitations.shareLink')}</Text>
            <CopyField
              label={t('settings.invitations.link')}
              value={absolute(invite.data.invitation.link)}
              testId="invitation-link"
            />
          </Stack>
        </Alert>
      ) : null}
    </Stack>
  );
}

/** Links from the API may be paths; copy them as full URLs. */
function absolute(link: string): string {
  try {
    return new URL(link, window.location.origin).toString();
  } catch {
    return link;
  }
}

function InvitationRow({ invitation }: { invitation: Invitation }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const revoke = useMutation({
    mutationFn: () => api.revokeInvitation(workspace.id, invitation.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.invitations(workspace.id) }),
  });
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{invitation.email}</Text>
        {revoke.error ? <ErrorAlert error={revoke.error} /> : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t(`roles.${invitation.role}`)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{invitation.invitedBy.name}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{dates.dateTime(invitation.expiresAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <CopyButton value={absolute(invitation.link)}>
            {({ copied, copy }) => (
              <Button
                size="compact-sm"
                variant="light"
                color={copied ? 'teal' : undefined}
                onClick={copy}
                aria-label={t('settings.invitations.copyFor', { email: invitation.email })}
              >
                {copied ? t('common.copied') : t('settings.invitations.copyLink')}
              </Button>
            )}
          </CopyButton>
          <ConfirmButton
            label={t('settings.invitations.revoke')}
            aria-label={t('settings.invitations.revokeFor', { email: invitation.email })}
            question={t('settings.invitations.revokeConfirm', { email: invitation.email })}
            onConfirm={() => revoke.mutate()}
            loading={revoke.isPending}
          />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
