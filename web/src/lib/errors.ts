import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/** Returns a function turning any thrown value into a sentence in the UI language. */
export function useErrorText() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      return t(`errors.${error.code}`, { defaultValue: error.message || t('errors.unknown') });
    }
    if (error instanceof Error && error.message) return error.message;
    return t('errors.unknown');
  };
}

/** The API error's text when it names this form field (validation_failed, weak_password…), else undefined. */
export function useFieldError(error: unknown, field: string): string | undefined {
  const text = useErrorText();
  if (!(error instanceof ApiError) || !error.field) return undefined;
  const name = error.field.split('.').pop();
  return error.field === field || name === field ? text(error) : undefined;
}

/** True when the error is shown next to a field, so the form-level alert can stay quiet. */
export function isFieldError(error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const name = error.field.split('.').pop() ?? '';
  return fields.includes(error.field) || fields.includes(name);
}
