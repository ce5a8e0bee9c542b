import { Button, Group, Modal, Paper, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { inboxApi, inboxKeys } from '../inbox/api/index.ts';
import type { Rule } from '../inbox/api/index.ts';
import { EditDeleteButtons, NewButton, SettingsListCard } from '../inbox/settings-list/SettingsList.tsx';
import { useInvalidatingMutation, useSettingsList } from '../inbox/settings-list/useSettingsList.ts';
import { ActionLog } from './ActionLog.tsx';
import { AuthorLists } from './AuthorLists.tsx';
import { DryRunResults } from './DryRunResults.tsx';
import { RuleEditor } from './RuleEditor.tsx';

/*
 * Settings → Moderation, one concern per file of this folder: this page and the rule list; RuleEditor (with
 * ConditionRow, ActionRow, rule-defaults) to write a rule; DryRunResults for the dry run; ActionLog; AuthorLists.
 */

/** Settings → Moderation: rules (conditions → actions) with a dry run before switching on, the action log with Undo, block/allow lists. */
export function ModerationSettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/moderation' });
  const rules = useQuery({ queryKey: inboxKeys.rules(wid), queryFn: () => inboxApi.rules(wid) });
  const { editing, setEditing, remove } = useSettingsList<Rule>({ remove: (id) => inboxApi.deleteRule(wid, id), queryKey: inboxKeys.rules(wid) });
  const toggle = useInvalidatingMutation(
    (rule: Rule) =>
      inboxApi.saveRule(wid, rule.id, { name: rule.name, match: rule.match, conditions: rule.conditions, actions: rule.actions, enabled: !rule.enabled }),
    inboxKeys.rules(wid),
  );
  // Switching a saved rule on goes through its dry run first, as in the editor: what it would have
  // done on the last 30 days, then a confirmation. Switching off is immediate.
  const [switchingOn, setSwitchingOn] = useState<Rule | null>(null);
  const dryRun = useMutation({ mutationFn: (rule: Rule) => inboxApi.dryRun(wid, { match: rule.match, conditions: rule.conditions, actions: rule.actions }) });
  const askToSwitch = (rule: Rule) => {
    if (rule.enabled) return toggle.mutate(rule);
    setSwitchingOn(rule);
    dryRun.mutate(rule);
  };
  return (
    <Stack gap="lg">
      <SettingsListCard
        title={t('inbox.moderation.rules')}
        action={editing === null ? <NewButton label={t('inbox.moderation.newRule')} onClick={() => setEditing('new')} /> : null}
        intro={t('inbox.moderation.intro')}
        error={rules.error ?? toggle.error ?? remove.error}
        empty={!!rules.data && rules.data.rules.length === 0 && editing === null}
        emptyText={t('inbox.moderation.none')}
        editor={editing ? <RuleEditor key={editing === 'new' ? 'new' : editing.id} wid={wid} rule={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      >
        <Stack gap="xs">
          {rules.data?.rules.map((rule) => (
            <Paper key={rule.id} withBorder p="sm" component="article" aria-label={t('inbox.moderation.ruleLabel', { name: rule.name })}>
              <Group justify="space-between" wrap="nowrap">
                <div>
                  <Text fw={600}>{rule.name}</Text>
                  <Text size="xs" c="dimmed">
                    {t(`inbox.moderation.match.${rule.match}`)}: {rule.conditions.map((c) => t(`inbox.moderation.condition.${c.type}`)).join(', ')} →{' '}
                    {rule.actions.map((a) => t(`inbox.moderation.action.${a.type}`)).join(', ')}
                  </Text>
                </div>
                <EditDeleteButtons
                  gap="xs"
                  justify="flex-start"
                  onEdit={() => setEditing(rule)}
                  deleteQuestion={t('inbox.moderation.deleteQuestion', { name: rule.name })}
                  onDelete={() => remove.mutate(rule.id)}
                >
                  <Switch
                    label={rule.enabled ? t('inbox.moderation.on') : t('inbox.moderation.off')}
                    checked={rule.enabled}
                    onChange={() => askToSwitch(rule)}
                    aria-label={t('inbox.moderation.switch', { name: rule.name })}
                  />
                </EditDeleteButtons>
              </Group>
            </Paper>
          ))}
        </Stack>
      </SettingsListCard>
      <Modal opened={switchingOn !== null} onClose={() => setSwitchingOn(null)} title={t('inbox.moderation.confirmOnTitle', { name: switchingOn?.name ?? '' })} size="lg">
        <Stack gap="sm">
          {dryRun.data ? <DryRunResults wid={wid} run={dryRun.data} stale={false} /> : null}
          <ErrorAlert error={dryRun.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSwitchingOn(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              disabled={!dryRun.data || dryRun.isPending}
              loading={dryRun.isPending}
              onClick={() => {
                if (switchingOn) toggle.mutate(switchingOn);
                setSwitchingOn(null);
              }}
            >
              {t('inbox.moderation.confirmOn')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ActionLog wid={wid} />
      <AuthorLists wid={wid} />
    </Stack>
  );
}
