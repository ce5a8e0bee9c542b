import { Badge, Button, Paper, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { useWorkspaceDates } from '../shell/workspace-context.ts';
import { inboxApi, inboxKeys } from '../inbox/api/index.ts';
import { SettingsTable } from '../inbox/settings-list/SettingsList.tsx';
import { useInvalidatingMutation } from '../inbox/settings-list/useSettingsList.ts';

/** Every action taken by a rule or a person, with Undo where the network (or Passerelle) allows it. */
export function ActionLog({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const errorText = useErrorText();
  const log = useQuery({ queryKey: [...inboxKeys.actions(wid), 'all'], queryFn: () => inboxApi.actions(wid, {}) });
  const undo = useInvalidatingMutation((id: string) => inboxApi.undoAction(wid, id), inboxKeys.all(wid));
  const actions = log.data?.actions ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label={t('inbox.moderation.log.title')}>
      <Title order={2} size="h4" mb="sm">
        {t('inbox.moderation.log.title')}
      </Title>
      <ErrorAlert error={log.error} />
      {undo.error ? (
        <Text c="red" size="sm" role="alert">
          {errorText(undo.error)}
        </Text>
      ) : null}
      {log.data && actions.length === 0 ? <Text size="sm">{t('inbox.moderation.log.empty')}</Text> : null}
      <SettingsTable
        testId="action-log"
        rows={actions}
        columns={[
          { label: t('inbox.moderation.at'), cell: (a) => dates.dateTime(a.at) },
          {
            label: t('inbox.moderation.log.action'),
            cell: (a) => (
              <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: a.conversationId }}>
                {t(`inbox.moderation.action.${a.action}`, { defaultValue: a.action })}
              </RouterAnchor>
            ),
          },
          {
            label: t('inbox.moderation.log.by'),
            cell: (a) => (a.ruleName ? t('inbox.moderation.log.byRule', { name: a.ruleName }) : t('inbox.moderation.log.byPerson', { name: a.actorName ?? '' })),
          },
          {
            label: t('inbox.moderation.log.state'),
            cell: (a) => (
              <>
                <Badge size="sm" variant="light" color={a.state === 'failed' ? 'red' : a.state === 'undone' ? 'gray' : 'teal'}>
                  {t(`inbox.moderation.state.${a.state}`)}
                </Badge>
                {a.note ? (
                  <Text size="xs" c="dimmed">
                    {a.note}
                  </Text>
                ) : null}
              </>
            ),
          },
        ]}
        actions={(a) =>
          a.undoable && a.state !== 'undone' ? (
            <Button size="compact-sm" variant="light" onClick={() => undo.mutate(a.id)} loading={undo.isPending && undo.variables === a.id}>
              {t('inbox.moderation.log.undo')}
            </Button>
          ) : null
        }
      />
    </Paper>
  );
}
