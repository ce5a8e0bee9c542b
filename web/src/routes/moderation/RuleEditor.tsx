import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { inboxApi, inboxKeys } from '../inbox/api/index.ts';
import type { Condition, DryRun, Rule, RuleAction, RuleInput } from '../inbox/api/index.ts';
import { LabelledSegmentedControl } from '../inbox/settings-list/SettingsList.tsx';
import { useInvalidatingMutation } from '../inbox/settings-list/useSettingsList.ts';
import { ActionRow } from './ActionRow.tsx';
import { ConditionRow } from './ConditionRow.tsx';
import { DryRunResults } from './DryRunResults.tsx';
import { defaultAction, defaultCondition } from './rule-defaults.ts';

/** Create or edit a rule: name, all/any, conditions, actions; switching it on requires a fresh dry run of this exact draft. */
export function RuleEditor({ wid, rule, onDone }: { wid: string; rule: Rule | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(rule?.name ?? '');
  const [match, setMatch] = useState<'all' | 'any'>(rule?.match ?? 'all');
  const [conditions, setConditions] = useState<Condition[]>(rule?.conditions ?? [defaultCondition('keywords')]);
  const [actions, setActions] = useState<RuleAction[]>(rule?.actions ?? [defaultAction('hide')]);
  const [result, setResult] = useState<{ draft: string; run: DryRun } | null>(null);
  const draft: RuleInput = { name: name.trim(), match, conditions, actions };
  const draftKey = JSON.stringify({ match, conditions, actions });
  const fresh = result?.draft === draftKey;

  const dry = useMutation({
    mutationFn: () => inboxApi.dryRun(wid, { ...draft, name: draft.name || undefined } as Partial<RuleInput>),
    onSuccess: (run) => setResult({ draft: draftKey, run }),
  });
  const save = useInvalidatingMutation((enabled: boolean) => inboxApi.saveRule(wid, rule?.id ?? null, { ...draft, enabled }), inboxKeys.rules(wid), onDone);
  const setCondition = (i: number, c: Condition) => setConditions((list) => list.map((x, j) => (j === i ? c : x)));
  const setAction = (i: number, a: RuleAction) => setActions((list) => list.map((x, j) => (j === i ? a : x)));

  return (
    <Paper withBorder p="md" mt="md" bg="gray.0" component="section" aria-label={t('inbox.moderation.editor')}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {rule ? t('inbox.moderation.editRule') : t('inbox.moderation.newRule')}
        </Title>
        <TextInput label={t('inbox.moderation.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <LabelledSegmentedControl
          id="rule-match"
          label={t('inbox.moderation.when')}
          value={match}
          onChange={setMatch}
          data={[
            { value: 'all', label: t('inbox.moderation.match.all') },
            { value: 'any', label: t('inbox.moderation.match.any') },
          ]}
        />
        <Stack gap="xs">
          {conditions.map((c, i) => (
            <ConditionRow
              key={i}
              wid={wid}
              index={i}
              condition={c}
              onChange={(next) => setCondition(i, next)}
              onRemove={conditions.length > 1 ? () => setConditions((l) => l.filter((_, j) => j !== i)) : undefined}
            />
          ))}
          <Button size="compact-sm" variant="light" w="fit-content" onClick={() => setConditions((l) => [...l, defaultCondition('keywords')])}>
            {t('inbox.moderation.addCondition')}
          </Button>
        </Stack>
        <Text size="sm" fw={500}>
          {t('inbox.moderation.then')}
        </Text>
        <Stack gap="xs">
          {actions.map((a, i) => (
            <ActionRow
              key={i}
              wid={wid}
              index={i}
              action={a}
              onChange={(next) => setAction(i, next)}
              onRemove={actions.length > 1 ? () => setActions((l) => l.filter((_, j) => j !== i)) : undefined}
            />
          ))}
          <Button size="compact-sm" variant="light" w="fit-content" onClick={() => setActions((l) => [...l, defaultAction('tag')])}>
            {t('inbox.moderation.addAction')}
          </Button>
        </Stack>
        <ErrorAlert error={dry.error ?? save.error} />
        <Group justify="space-between">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Group gap="xs">
            <Button variant="light" onClick={() => dry.mutate()} loading={dry.isPending}>
              {t('inbox.moderation.dryRun')}
            </Button>
            <Button variant="default" onClick={() => save.mutate(false)} loading={save.isPending} disabled={!name.trim()}>
              {t('inbox.moderation.saveOff')}
            </Button>
            <Button onClick={() => save.mutate(true)} loading={save.isPending} disabled={!name.trim() || !fresh}>
              {t('inbox.moderation.saveOn')}
            </Button>
          </Group>
        </Group>
        {!fresh ? (
          <Text size="xs" c="dimmed" ta="right">
            {t('inbox.moderation.dryRunFirst')}
          </Text>
        ) : null}
        {result ? <DryRunResults wid={wid} run={result.run} stale={!fresh} /> : null}
      </Stack>
    </Paper>
  );
}
