import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../lib/errors.ts';

/** A red alert stating an API error in the user's language; renders nothing without an error. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  const text = useErrorText();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title ?? t('common.errorTitle')} role="alert">
      {text(error)}
    </Alert>
  );
}
