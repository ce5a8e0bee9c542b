import { Stack, Tabs, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { canAdminister } from '../../lib/roles.ts';
import { can } from '../inbox/api/index.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';

const SECTIONS = [
  { key: 'workspace', to: '/w/$wid/settings/workspace', adminOnly: false },
  { key: 'members', to: '/w/$wid/settings/members', adminOnly: false },
  { key: 'channels', to: '/w/$wid/settings/channels', adminOnly: false },
  { key: 'charter', to: '/w/$wid/settings/charter', adminOnly: false, label: 'publishing.charter.tab' },
  { key: 'plan', to: '/w/$wid/settings/plan', adminOnly: false, label: 'publishing.plan.tab' },
  { key: 'approvals', to: '/w/$wid/settings/approvals', adminOnly: false, label: 'publishing.approvalFlow.tab' },
  // Inbox settings (labels in inbox.*.json; each page shows read-only what a role cannot change).
  { key: 'moderation', to: '/w/$wid/settings/moderation', adminOnly: false, permission: 'moderation.manage', label: 'inbox.settingsTabs.moderation' },
  { key: 'sla', to: '/w/$wid/settings/sla', adminOnly: false, permission: 'inbox.read', label: 'inbox.settingsTabs.sla' },
  { key: 'reply-guard', to: '/w/$wid/settings/reply-guard', adminOnly: false, permission: 'inbox.read', label: 'inbox.settingsTabs.guard' },
  { key: 'saved-replies', to: '/w/$wid/settings/saved-replies', adminOnly: false, permission: 'inbox.read', label: 'inbox.settingsTabs.savedReplies' },
  { key: 'relay', to: '/w/$wid/settings/relay', adminOnly: false, permission: 'inbox.read', label: 'inbox.settingsTabs.relay' },
  { key: 'tokens', to: '/w/$wid/settings/tokens', adminOnly: true },
  { key: 'audit', to: '/w/$wid/settings/audit', adminOnly: true },
  { key: 'profile', to: '/w/$wid/settings/profile', adminOnly: false },
] as const;

/** Settings title and section tabs; the section's page renders below. */
export function SettingsLayout() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings' });
  const { role } = useCurrentWorkspace();
  const navigate = useNavigate();
  const pathname = useLocation({ select: (location) => location.pathname });
  const sections = SECTIONS.filter(
    (section) => (!section.adminOnly || canAdminister(role)) && (!('permission' in section) || can(role, section.permission)),
  );
  const active =
    sections.find((section) => pathname.endsWith(`/settings/${section.key}`) || pathname.includes(`/settings/${section.key}/`))
      ?.key ?? null;
  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('nav.settings')}
      </Title>
      <Tabs
        value={active}
        onChange={(value) => {
          const section = sections.find((s) => s.key === value);
          if (section) void navigate({ to: section.to, params: { wid } });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label={t('settings.sections')}>
          {sections.map((section) => (
            <Tabs.Tab key={section.key} value={section.key}>
              {t('label' in section ? section.label : section.key === 'channels' ? 'channels.tab' : `settings.${section.key}.tab`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
