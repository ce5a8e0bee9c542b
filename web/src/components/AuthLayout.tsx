import { Anchor, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../api/types.ts';
import { applyLocale, rememberLocale } from '../i18n/index.ts';
import { Logo } from './Logo.tsx';

/** The centred card used by sign-in, set-up, password reset and invitation pages. */
export function AuthLayout({ title, subtitle, children, width = 420 }: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  const { t, i18n } = useTranslation();
  const choose = (locale: Locale) => {
    rememberLocale(locale);
    applyLocale(locale);
  };
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Box w="100%" maw={width}>
        <Group justify="space-between" mb="lg">
          <Logo />
          <Group gap="xs" aria-label={t('language.label')} role="group">
            {(['fr', 'en'] as const).map((locale) => (
              <Anchor
                key={locale}
                component="button"
                type="button"
                size="sm"
                fw={i18n.language === locale ? 700 : 400}
                aria-pressed={i18n.language === locale}
                lang={locale}
                onClick={() => choose(locale)}
              >
                {t(`language.${locale}`)}
              </Anchor>
            ))}
          </Group>
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack gap="md">
            <div>
              <Title order={1} size="h2">
                {title}
              </Title>
              {subtitle ? (
                <Text c="dimmed" size="sm" mt={4}>
                  {subtitle}
                </Text>
              ) : null}
            </div>
            {children}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}
