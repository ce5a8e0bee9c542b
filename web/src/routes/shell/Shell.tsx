import { AppShell, Burger, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet, useLocation, useParams } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/queries.ts';
import { Logo } from '../../components/Logo.tsx';
import { RouterAnchor, RouterNavLink } from '../../components/RouterLinks.tsx';
import {
  AnalyticsIcon,
  CalendarIcon,
  ComposeIcon,
  InboxIcon,
  ListeningIcon,
  SettingsIcon,
} from '../../components/icons.tsx';
import { ContactsIcon } from '../contacts/ContactsIcon.tsx';
import { ApprovalsIcon, MediaIcon } from '../publishing/icons.tsx';
import { rememberWorkspace } from '../../lib/last-workspace.ts';
import { NotificationsBell } from './NotificationsBell.tsx';
import { UserMenu } from './UserMenu.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';
import { WorkspaceContext } from './workspace-context.ts';
import { useWorkspaceEvents } from './useWorkspaceEvents.ts';

const AREAS = [
  { path: 'calendar', to: '/w/$wid/calendar', icon: CalendarIcon },
  { path: 'compose', to: '/w/$wid/compose', icon: ComposeIcon },
  { path: 'approvals', to: '/w/$wid/approvals', icon: ApprovalsIcon },
  { path: 'media', to: '/w/$wid/media', icon: MediaIcon },
  { path: 'inbox', to: '/w/$wid/inbox', icon: InboxIcon },
  { path: 'contacts', to: '/w/$wid/contacts', icon: ContactsIcon },
  { path: 'listening', to: '/w/$wid/listening', icon: ListeningIcon },
  { path: 'analytics', to: '/w/$wid/analytics', icon: AnalyticsIcon },
  { path: 'settings', to: '/w/$wid/settings', icon: SettingsIcon },
] as const;

/** The signed-in frame: header (workspace switcher, notifications, user menu), left navigation, page. */
export function Shell() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid' });
  const me = useMe();
  const membership = me.data?.memberships.find((m) => m.workspace.id === wid);
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = useLocation({ select: (location) => location.pathname });

  useEffect(() => {
    if (membership) rememberWorkspace(wid);
  }, [membership, wid]);
  useEffect(close, [pathname, close]);
  useWorkspaceEvents(membership ? wid : null);

  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (!membership) {
    return (
      <Center mih="100vh">
        <Stack align="center">
          <Title order={1} size="h2">
            {t('shell.noAccessTitle')}
          </Title>
          <Text>{t('shell.noAccessBody')}</Text>
          <RouterAnchor to="/">{t('notFound.home')}</RouterAnchor>
        </Stack>
      </Center>
    );
  }

  return (
    <WorkspaceContext.Provider value={membership}>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="md" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('shell.toggleNav')} />
              <Logo size="md" />
              <WorkspaceSwitcher current={membership} memberships={me.data?.memberships ?? []} />
            </Group>
            <Group gap="xs" wrap="nowrap">
              <NotificationsBell wid={wid} />
              <UserMenu wid={wid} />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" aria-label={t('shell.mainNav')}>
          <nav>
            {AREAS.map(({ path, to, icon: Icon }) => (
              <RouterNavLink
                key={path}
                to={to}
                params={{ wid }}
                label={t(path === 'contacts' ? 'inbox.contacts.nav' : path === 'approvals' || path === 'media' ? `publishing.nav.${path}` : `nav.${path}`)}
                leftSection={<Icon />}
                active={pathname.startsWith(`/w/${wid}/${path}`)}
                aria-current={pathname.startsWith(`/w/${wid}/${path}`) ? 'page' : undefined}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            ))}
          </nav>
        </AppShell.Navbar>
        <AppShell.Main bg="var(--mantine-color-gray-0)">
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </WorkspaceContext.Provider>
  );
}
