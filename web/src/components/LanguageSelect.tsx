import { SegmentedControl, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../api/types.ts';

/** Chooses French or English (or "automatic", null, when `allowAuto`); labelled for screen readers. */
export function LanguageSelect(props: {
  label: string;
  value: Locale | null;
  onChange: (value: Locale | null) => void;
  allowAuto?: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const data = [
    ...(props.allowAuto ? [{ value: 'auto', label: t('language.auto') }] : []),
    { value: 'fr', label: t('language.fr') },
    { value: 'en', label: t('language.en') },
  ];
  return (
    <Stack gap={4}>
      <Text id={id} size="sm" fw={500}>
        {props.label}
      </Text>
      <SegmentedControl
        aria-labelledby={id}
        data={data}
        value={props.value ?? 'auto'}
        disabled={props.disabled}
        onChange={(value) => props.onChange(value === 'fr' || value === 'en' ? value : null)}
        style={{ alignSelf: 'flex-start' }}
      />
    </Stack>
  );
}
