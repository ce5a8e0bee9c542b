import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A review's star rating (1–5) as five stars, read out as "4 stars out of 5". Nothing without a rating. */
export function Stars({ rating, size = 'sm' }: { rating: number | null | undefined; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  if (rating === null || rating === undefined) return null;
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return (
    <Group gap={0} wrap="nowrap" role="img" aria-label={t('google.stars', { count: n })} data-testid="review-stars" data-rating={n}>
      {[1, 2, 3, 4, 5].map((i) => (
        <Text key={i} span size={size} c={i <= n ? 'yellow.6' : 'gray.4'} aria-hidden="true" style={{ lineHeight: 1 }}>
          ★
        </Text>
      ))}
    </Group>
  );
}
