import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, queryClient, useMe } from '../../api/queries.ts';
import type { Member, Role } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RoleSelect } from '../../components/RoleSelect.tsx';
import { Section } from '../../components/Section.tsx';
import { canAdminister, grantableRoles } from '../../lib/roles.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { InvitationsPanel } from './InvitationsPanel.tsx';

/** Who is in the workspace and with which role; owners and admins change roles, remove and invite. */
export function MembersSettings() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const manage = canAdminister(role);
  const members = useQuery({ queryKey: keys.members(workspace.id), queryFn: () => api.members(workspace.id) });
  return (
    <Stack gap="lg">
      <Section title={t('settings.members.title')} description={t('settings.members.description')}>
        <ErrorAlert error={members.error} />
        {members.data ? (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" data-testid="members-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.name')}</Table.Th>
                  <Table.Th>{t('fields.email')}</Table.Th>
                  <Table.Th>{t('fields.role')}</Table.Th>
                  <Table.Th>{t('settings.members.joined')}</Table.Th>
                  {manage ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.data.members.map((member) => (
                  <MemberRow key={member.user.id} member={member} manage={manage} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Section>
      {manage ? <InvitationsPanel /> : null}
    </Stack>
  );
}

function MemberRow({ member, manage }: { member: Member; manage: boolean }) {
  const { t } = useTranslation();
  const { workspace, role: ownRole } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const self = useMe().data?.user.id === member.user.id;
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.members(workspace.id) });
  const change = useMutation({
    mutationFn: (role: Role) => api.changeRole(workspace.id, member.user.id, role),
    // Show the new role at once; the refetch afterwards (or the API's refusal) settles the truth.
    onMutate: (role) => {
      queryClient.setQueryData<{ members: Member[] }>(keys.members(workspace.id), (old) =>
        old ? { members: old.members.map((m) => (m.user.id === member.user.id ? { ...m, role } : m)) } : old,
      );
    },
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: () => api.removeMember(workspace.id, member.user.id), onSettled: refresh });
  return (
    <>
      <Table.Tr>
        <Table.Td>
          <Group gap={6}>
            <Text size="sm" fw={500}>
              {member.user.name}
            </Text>
            {self ? (
              <Badge size="xs" variant="light">
                {t('settings.members.you')}
              </Badge>
            ) : null}
          </Group>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{member.user.email}</Text>
        </Table.Td>
        <Table.Td>
          {manage && !self ? (
            <RoleSelect
              label={t('settings.members.roleOf', { name: member.user.name })}
              hideLabel
              value={member.role}
              roles={grantableRoles(ownRole)}
              onChange={(role) => change.mutate(role)}
              disabled={change.isPending}
            />
          ) : (
            <Badge variant="light" color="gray">
              {t(`roles.${member.role}`)}
            </Badge>
          )}
        </Table.Td>
        <Table.Td>
          <Text size="sm">{dates.date(member.joinedAt)}</Text>
        </Table.Td>
        {manage ? (
          <Table.Td>
            {!self ? (
              <ConfirmButton
                label={t('settings.members.remove')}
                aria-label={t('settings.members.removeWho', { name: member.user.name })}
                question={t('settings.members.removeConfirm', { name: member.user.name, workspace: workspace.name })}
                onConfirm={() => remove.mutate()}
                loading={remove.isPending}
              />
            ) : null}
          </Table.Td>
        ) : null}
      </Table.Tr>
      {change.error || remove.error ? (
        <Table.Tr>
          <Table.Td colSpan={5}>
            <ErrorAlert error={change.error ?? remove.error} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  );
}
