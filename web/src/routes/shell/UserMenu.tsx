import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { useMe } from '../../api/queries.ts';
import { refreshSession, signOut } from '../../api/session.ts';
import type { Locale } from '../../api/types.ts';
import { applyLocale, browserLocale } from '../../i18n/index.ts';

/** The signed-in user's menu: profile, UI language, sign out. */
export function UserMenu({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useMe().data?.user;
  const setLocale = useMutation({
    mutationFn: (locale: Locale | null) => api.updateMe({ locale }),
    onMutate: (locale) => applyLocale(locale ?? browserLocale()),
    onSettled: refreshSession,
  });
  const out = useMutation({
    mutationFn: signOut,
    onSettled: () => navigate({ to: '/signin' }),
  });
  if (!user) return null;
  const initials = user.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
  const choices: { value: Locale | null; label: string }[] = [
    { value: 'fr', label: t('language.fr') },
    { value: 'en', label: t('language.en') },
    { value: null, label: t('language.auto') },
  ];
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={t('user.menu', { name: user.name })} data-testid="user-menu">
          <Group gap={8} wrap="nowrap">
            <Avatar radius="xl" size={32} color="indigo">
              {initials || '?'}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="md" truncate maw={160}>
              {user.name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item onClick={() => void navigate({ to: '/w/$wid/settings/profile', params: { wid } })}>
          {t('user.profile')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Label>{t('language.label')}</Menu.Label>
        {choices.map((choice) => (
          <Menu.Item
            key={choice.value ?? 'auto'}
            onClick={() => setLocale.mutate(choice.value)}
            fw={user.locale === choice.value ? 700 : undefined}
            aria-current={user.locale === choice.value ? 'true' : undefined}
            lang={choice.value ?? undefined}
          >
            {choice.label}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => out.mutate()}>
          {t('user.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
