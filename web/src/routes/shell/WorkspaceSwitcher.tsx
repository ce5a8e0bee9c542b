import { Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../../api/types.ts';
import { ChevronIcon } from '../../components/icons.tsx';

/** Lists the user's workspaces (brands) to switch between them, and offers to create another. */
export function WorkspaceSwitcher({ current, memberships }: { current: Membership; memberships: Membership[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sorted = [...memberships].sort((a, b) => a.workspace.name.localeCompare(b.workspace.name));
  return (
    <Menu position="bottom-start" width={280} shadow="md">
      <Menu.Target>
        <UnstyledButton
          aria-label={t('shell.switchWorkspace', { name: current.workspace.name })}
          data-testid="workspace-switcher"
          px="sm"
          py={6}
          style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)' }}
        >
          <Group gap={8} wrap="nowrap">
            <Text fw={600} size="sm" truncate maw={220}>
              {current.workspace.name}
            </Text>
            <ChevronIcon />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('shell.workspaces')}</Menu.Label>
        {sorted.map((m) => (
          <Menu.Item
            key={m.workspace.id}
            onClick={() => void navigate({ to: '/w/$wid/calendar', params: { wid: m.workspace.id } })}
            rightSection={
              <Badge size="xs" variant="light" color="gray">
                {t(`roles.${m.role}`)}
              </Badge>
            }
            fw={m.workspace.id === current.workspace.id ? 700 : undefined}
            aria-current={m.workspace.id === current.workspace.id ? 'true' : undefined}
          >
            {m.workspace.name}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item onClick={() => void navigate({ to: '/workspaces/new' })}>{t('shell.newWorkspace')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
