import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { VariantState } from '../../api/types.ts';
import { STATE_COLORS } from './publishing-api.ts';

/** A variant's (or post's) state as a coloured badge with its translated name. */
export function StateBadge({ state, size = 'sm' }: { state: VariantState; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLORS[state]} variant="light" size={size} data-testid="state" style={{ textTransform: 'none' }}>
      {t(`publishing.states.${state}`)}
    </Badge>
  );
}
