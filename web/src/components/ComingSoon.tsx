import { Alert, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type Area = 'calendar' | 'compose' | 'inbox' | 'listening' | 'analytics';

/** Placeholder for an area not built yet: says so plainly and what the page will do. */
export function ComingSoon({ area }: { area: Area }) {
  const { t } = useTranslation();
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        {t(`nav.${area}`)}
      </Title>
      <Alert color="gray" variant="light" title={t('comingSoon.title')} data-testid="coming-soon">
        <Text size="sm">{t(`comingSoon.${area}`)}</Text>
      </Alert>
    </Stack>
  );
}
