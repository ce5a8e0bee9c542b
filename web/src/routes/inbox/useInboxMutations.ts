import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../lib/errors.ts';
import { inboxApi, inboxKeys } from './api/index.ts';
import type { ConversationChange } from './api/index.ts';

/** Changes to one conversation (PATCH) or many (bulk); refreshes the inbox once done. */
export function useInboxMutations(wid: string) {
  const client = useQueryClient();
  const errorText = useErrorText();
  const { t } = useTranslation();
  const update = useMutation({
    mutationFn: ({ ids, change }: { ids: string[]; change: ConversationChange }) =>
      ids.length === 1 ? inboxApi.update(wid, ids[0]!, change) : inboxApi.bulk(wid, ids, change),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all(wid) }),
    onError: (error) => notifications.show({ color: 'red', title: t('inbox.errors.update'), message: errorText(error) }),
  });
  return { update };
}
