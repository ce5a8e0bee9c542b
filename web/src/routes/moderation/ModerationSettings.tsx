import { Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { inboxApi, inboxKeys } from '../inbox/inbox-api.ts';
import type { Rule } from '../inbox/inbox-api.ts';
import { ActionLog } from './ActionLog.tsx';
import { AuthorLists } from './AuthorLists.tsx';
import { RuleEditor } from './RuleEditor.tsx';

/*
 * Settings → Moderation, one concern per file of this folder: this page and the rule list; RuleEditor (with
 * ConditionRow, ActionRow, rule-defaults) to write a rule; DryRunResults for the dry run; ActionLog; AuthorLists.
 */

/** Settings → Moderation: rules (conditions → actions) with a dry run before switching on, the action log with Undo, block/allow lists. */
export function ModerationSettings() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/settings/moderation' });
  const client = useQueryClient();
  const rules = useQuery({ queryKey: inboxKeys.rules(wid), queryFn: () => inboxApi.rules(wid) });
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const toggle = useMutation({
    mutationFn: (rule: Rule) =>
      inboxApi.saveRule(wid, rule.id, { name: rule.name, match: rule.match, conditions: rule.conditions, actions: rule.actions, enabled: !rule.enabled }),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.rules(wid) }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => inboxApi.deleteRule(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.rules(wid) }),
  });
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t('inbox.moderation.rules')}
          </Title>
          {editing === null ? (
            <Button size="xs" onClick={() => setEditing('new')}>
              {t('inbox.moderation.newRule')}
            </Button>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          {t('inbox.moderation.intro')}
        </Text>
        <ErrorAlert error={rules.error ?? toggle.error} />
        {rules.data && rules.data.rules.length === 0 && editing === null ? <Text size="sm">{t('inbox.moderation.none')}</Text> : null}
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
                <Group gap="xs" wrap="nowrap">
                  <Switch
                    label={rule.enabled ? t('inbox.moderation.on') : t('inbox.moderation.off')}
                    checked={rule.enabled}
                    onChange={() => toggle.mutate(rule)}
                    aria-label={t('inbox.moderation.switch', { name: rule.name })}
                  />
                  <Button size="compact-sm" variant="subtle" onClick={() => setEditing(rule)}>
                    {t('inbox.common.edit')}
                  </Button>
                  <ConfirmButton
                    label={t('inbox.common.delete')}
                    question={t('inbox.moderation.deleteQuestion', { name: rule.name })}
                    onConfirm={() => remove.mutate(rule.id)}
                  />
                </Group>
              </Group>
            </Paper>
          ))}
        </Stack>
        {editing ? <RuleEditor key={editing === 'new' ? 'new' : editing.id} wid={wid} rule={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Paper>
      <ActionLog wid={wid} />
      <AuthorLists wid={wid} />
    </Stack>
  );
}
