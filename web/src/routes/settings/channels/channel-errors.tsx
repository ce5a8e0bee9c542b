import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { useErrorText } from '../../../lib/errors.ts';

/** Codes whose sentence lives in this area's file (`channels.errors.<code>`), before the shared `errors.<code>`. */
const CHANNEL_CODES = [
  'network_rejected',
  'network_rate_limited',
  'reconnect_needed',
  'network_unavailable',
  'outcome_unknown',
  'access_denied',
  'internal_error',
];

/**
 * An error of a channel call as a translated sentence plus the server's own detail: the network's
 * reason or the address guard's refusal names what to fix, so it is kept (it is English, from the server).
 */
export function useChannelError() {
  const { t } = useTranslation();
  const generic = useErrorText();
  return (error: unknown): { text: string; detail: string | null } => {
    if (error instanceof ApiError) {
      const text = CHANNEL_CODES.includes(error.code) ? t(`channels.errors.${error.code}`) : generic(error);
      const detail = error.message && error.message !== text ? error.message : null;
      return { text, detail };
    }
    return { text: generic(error), detail: null };
  };
}

/** A red alert for a channel call's error, with the server's detail below the sentence. */
export function ChannelErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  const describe = useChannelError();
  if (!error) return null;
  const { text, detail } = describe(error);
  return (
    <Alert color="red" variant="light" title={title ?? t('common.errorTitle')} role="alert">
      <Text size="sm">{text}</Text>
      {detail ? (
        <Text size="sm" mt={4} data-testid="error-detail">
          {t('channels.errors.detail', { detail })}
        </Text>
      ) : null}
    </Alert>
  );
}
