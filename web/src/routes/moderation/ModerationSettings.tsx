import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { useChannels } from '../settings/channels/channels-api.ts';
import { useWorkspaceDates } from '../shell/workspace-context.ts';
import { ACTION_TYPES, CONDITION_TYPES, SENTIMENTS, inboxApi, inboxKeys, useSavedReplies } from '../inbox/inbox-api.ts';
import type { Condition, ConditionType, DryRun, Rule, RuleAction, RuleActionType, RuleInput } from '../inbox/inbox-api.ts';

const RULE_INTENTS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent'];
const MESSAGE_KINDS = ['comment', 'reply', 'mention', 'quote', 'dm', 'review'];

function defaultCondition(type: ConditionType): Condition {
  switch (type) {
    case 'keywords':
      return { type, words: [] };
    case 'regex':
      return { type, pattern: '' };
    case 'language':
      return { type, in: ['fr'] };
    case 'toxicity':
      return { type, min: 0.7 };
    case 'profanity':
      return { type };
    case 'sentiment':
      return { type, in: ['negative'] };
    case 'intent':
      return { type, in: ['complaint'] };
    case 'spam':
      return { type, signals: ['links'] };
    case 'author_list':
      return { type, list: 'block' };
    case 'kind':
      return { type, in: ['reply'] };
    case 'channel':
      return { type, in: [] };
  }
}

function defaultAction(type: RuleActionType): RuleAction {
  switch (type) {
    case 'tag':
      return { type, tag: '' };
    case 'assign':
      return { type, userId: '' };
    case 'auto_reply':
      return { type, savedReplyId: '' };
    case 'escalate':
      return { type, priority: 'high' };
    case 'notify':
      return { type };
    default:
      return { type } as RuleAction;
  }
}

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

function RuleEditor({ wid, rule, onDone }: { wid: string; rule: Rule | null; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
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
  const save = useMutation({
    mutationFn: (enabled: boolean) => inboxApi.saveRule(wid, rule?.id ?? null, { ...draft, enabled }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: inboxKeys.rules(wid) });
      onDone();
    },
  });
  const setCondition = (i: number, c: Condition) => setConditions((list) => list.map((x, j) => (j === i ? c : x)));
  const setAction = (i: number, a: RuleAction) => setActions((list) => list.map((x, j) => (j === i ? a : x)));

  return (
    <Paper withBorder p="md" mt="md" bg="gray.0" component="section" aria-label={t('inbox.moderation.editor')}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {rule ? t('inbox.moderation.editRule') : t('inbox.moderation.newRule')}
        </Title>
        <TextInput label={t('inbox.moderation.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <div>
          <Text size="sm" fw={500} id="rule-match" mb={4}>
            {t('inbox.moderation.when')}
          </Text>
          <SegmentedControl
            aria-labelledby="rule-match"
            value={match}
            onChange={(v) => setMatch(v as 'all' | 'any')}
            data={[
              { value: 'all', label: t('inbox.moderation.match.all') },
              { value: 'any', label: t('inbox.moderation.match.any') },
            ]}
          />
        </div>
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

function ConditionRow({
  wid,
  index,
  condition,
  onChange,
  onRemove,
}: {
  wid: string;
  index: number;
  condition: Condition;
  onChange: (c: Condition) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const channels = useChannels(wid);
  const n = index + 1;
  let params: React.ReactNode = null;
  switch (condition.type) {
    case 'keywords':
      params = (
        <TagsInput
          style={{ flex: 1 }}
          label={t('inbox.moderation.words', { n })}
          description={t('inbox.moderation.wordsHelp')}
          value={condition.words}
          onChange={(words) => onChange({ ...condition, words })}
          splitChars={[',']}
        />
      );
      break;
    case 'regex':
      params = (
        <TextInput
          style={{ flex: 1 }}
          label={t('inbox.moderation.pattern', { n })}
          value={condition.pattern}
          onChange={(e) => onChange({ ...condition, pattern: e.currentTarget.value })}
          ff="monospace"
        />
      );
      break;
    case 'toxicity':
      params = (
        <NumberInput
          label={t('inbox.moderation.minToxicity', { n })}
          min={0}
          max={1}
          step={0.05}
          decimalScale={2}
          value={condition.min}
          onChange={(v) => onChange({ ...condition, min: Number(v) })}
        />
      );
      break;
    case 'language':
      params = (
        <TagsInput style={{ flex: 1 }} label={t('inbox.moderation.languages', { n })} value={condition.in} onChange={(v) => onChange({ ...condition, in: v })} />
      );
      break;
    case 'sentiment':
    case 'intent':
    case 'kind': {
      const values = condition.type === 'sentiment' ? SENTIMENTS : condition.type === 'intent' ? RULE_INTENTS : MESSAGE_KINDS;
      const prefix = condition.type === 'sentiment' ? 'inbox.sentiment' : condition.type === 'intent' ? 'inbox.intent' : 'inbox.messageKind';
      params = (
        <MultiSelect
          style={{ flex: 1 }}
          label={t('inbox.moderation.values', { n })}
          data={values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }))}
          value={condition.in}
          onChange={(v) => onChange({ ...condition, in: v } as Condition)}
        />
      );
      break;
    }
    case 'channel':
      params = (
        <MultiSelect
          style={{ flex: 1 }}
          label={t('inbox.moderation.channels', { n })}
          data={(channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `@${c.handle}` }))}
          value={condition.in}
          onChange={(v) => onChange({ ...condition, in: v })}
        />
      );
      break;
    case 'spam':
      params = (
        <MultiSelect
          style={{ flex: 1 }}
          label={t('inbox.moderation.signals', { n })}
          data={['links', 'repeated', 'new_account'].map((s) => ({ value: s, label: t(`inbox.moderation.signal.${s}`) }))}
          value={condition.signals}
          onChange={(v) => onChange({ ...condition, signals: v })}
        />
      );
      break;
    case 'author_list':
      params = (
        <Select
          label={t('inbox.moderation.list', { n })}
          data={[
            { value: 'block', label: t('inbox.moderation.blockList') },
            { value: 'allow', label: t('inbox.moderation.allowList') },
          ]}
          value={condition.list}
          onChange={(v) => v && onChange({ ...condition, list: v as 'block' | 'allow' })}
          allowDeselect={false}
        />
      );
      break;
    case 'profanity':
      break;
  }
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap" data-testid="condition">
      <Select
        w={170}
        label={t('inbox.moderation.conditionN', { n })}
        data={CONDITION_TYPES.map((type) => ({ value: type, label: t(`inbox.moderation.condition.${type}`) }))}
        value={condition.type}
        onChange={(v) => v && onChange(defaultCondition(v as ConditionType))}
        allowDeselect={false}
      />
      {params}
      <Checkbox
        mb={8}
        label={t('inbox.moderation.negate')}
        checked={condition.negate ?? false}
        onChange={(e) => onChange({ ...condition, negate: e.currentTarget.checked || undefined })}
      />
      {onRemove ? (
        <ActionIcon mb={4} variant="subtle" color="red" onClick={onRemove} aria-label={t('inbox.moderation.removeCondition', { n })}>
          ×
        </ActionIcon>
      ) : null}
    </Group>
  );
}

function ActionRow({
  wid,
  index,
  action,
  onChange,
  onRemove,
}: {
  wid: string;
  index: number;
  action: RuleAction;
  onChange: (a: RuleAction) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const members = useQuery({ queryKey: keys.members(wid), queryFn: () => api.members(wid) });
  const saved = useSavedReplies(wid);
  const people = (members.data?.members ?? []).map((m) => ({ value: m.user.id, label: m.user.name }));
  const n = index + 1;
  let params: React.ReactNode = null;
  if (action.type === 'tag') {
    params = <TextInput label={t('inbox.moderation.tag', { n })} value={action.tag} onChange={(e) => onChange({ ...action, tag: e.currentTarget.value })} />;
  } else if (action.type === 'assign') {
    params = (
      <Select label={t('inbox.moderation.assignTo', { n })} data={people} value={action.userId || null} onChange={(v) => onChange({ ...action, userId: v ?? '' })} />
    );
  } else if (action.type === 'auto_reply') {
    params = (
      <Select
        label={t('inbox.moderation.savedReply', { n })}
        data={(saved.data?.savedReplies ?? []).map((r) => ({ value: r.id, label: r.name }))}
        value={action.savedReplyId || null}
        onChange={(v) => onChange({ ...action, savedReplyId: v ?? '' })}
      />
    );
  } else if (action.type === 'escalate') {
    params = (
      <Select
        label={t('inbox.moderation.priority', { n })}
        data={(['high', 'urgent'] as const).map((p) => ({ value: p, label: t(`inbox.priority.${p}`) }))}
        value={action.priority ?? 'high'}
        onChange={(v) => onChange({ ...action, priority: (v as 'high' | 'urgent') ?? 'high' })}
        allowDeselect={false}
      />
    );
  } else if (action.type === 'notify') {
    params = (
      <MultiSelect
        style={{ flex: 1 }}
        label={t('inbox.moderation.notifyWho', { n })}
        placeholder={t('inbox.moderation.notifyManagers')}
        data={people}
        value={action.userIds ?? []}
        onChange={(v) => onChange({ ...action, userIds: v.length ? v : undefined })}
      />
    );
  }
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap" data-testid="action">
      <Select
        w={170}
        label={t('inbox.moderation.actionN', { n })}
        data={ACTION_TYPES.map((type) => ({ value: type, label: t(`inbox.moderation.action.${type}`) }))}
        value={action.type}
        onChange={(v) => v && onChange(defaultAction(v as RuleActionType))}
        allowDeselect={false}
      />
      {params}
      {onRemove ? (
        <ActionIcon mb={4} variant="subtle" color="red" onClick={onRemove} aria-label={t('inbox.moderation.removeAction', { n })}>
          ×
        </ActionIcon>
      ) : null}
    </Group>
  );
}

function DryRunResults({ wid, run, stale }: { wid: string; run: DryRun; stale: boolean }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  return (
    <Paper withBorder p="sm" bg="white" style={{ opacity: stale ? 0.6 : 1 }} component="section" aria-label={t('inbox.moderation.dryRunTitle')}>
      <Text fw={600} size="sm">
        {t('inbox.moderation.dryRunTitle')}
      </Text>
      <Text size="sm" data-testid="dry-run-summary">
        {t('inbox.moderation.dryRunSummary', { matched: run.matched, scanned: run.scanned, since: dates.date(run.since) })}
        {run.truncated ? ` ${t('inbox.moderation.truncated')}` : ''}
      </Text>
      {Object.keys(run.byAction).length ? (
        <Group gap={4} my={4}>
          {Object.entries(run.byAction).map(([action, count]) => (
            <Badge key={action} variant="light">
              {t(`inbox.moderation.action.${action}`, { defaultValue: action })}: {count}
            </Badge>
          ))}
        </Group>
      ) : null}
      {run.samples.length > 0 ? (
        <Table data-testid="dry-run-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('inbox.moderation.at')}</Table.Th>
              <Table.Th>{t('inbox.moderation.author')}</Table.Th>
              <Table.Th>{t('inbox.moderation.text')}</Table.Th>
              <Table.Th>{t('inbox.moderation.reasons')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {run.samples.map((s) => (
              <Table.Tr key={s.messageId}>
                <Table.Td>{dates.dateTime(s.createdAt)}</Table.Td>
                <Table.Td>@{s.authorHandle}</Table.Td>
                <Table.Td>
                  <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: s.conversationId }} style={{ whiteSpace: 'pre-wrap' }}>
                    {s.text}
                  </RouterAnchor>
                </Table.Td>
                <Table.Td>{s.reasons.join(' · ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}

/** Every action taken by a rule or a person, with Undo where the network (or Passerelle) allows it. */
function ActionLog({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const errorText = useErrorText();
  const log = useQuery({ queryKey: [...inboxKeys.actions(wid), 'all'], queryFn: () => inboxApi.actions(wid, {}) });
  const undo = useMutation({
    mutationFn: (id: string) => inboxApi.undoAction(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all(wid) }),
  });
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
      {actions.length > 0 ? (
        <Table data-testid="action-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('inbox.moderation.at')}</Table.Th>
              <Table.Th>{t('inbox.moderation.log.action')}</Table.Th>
              <Table.Th>{t('inbox.moderation.log.by')}</Table.Th>
              <Table.Th>{t('inbox.moderation.log.state')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {actions.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{dates.dateTime(a.at)}</Table.Td>
                <Table.Td>
                  <RouterAnchor size="sm" to="/w/$wid/inbox" params={{ wid }} search={{ c: a.conversationId }}>
                    {t(`inbox.moderation.action.${a.action}`, { defaultValue: a.action })}
                  </RouterAnchor>
                </Table.Td>
                <Table.Td>{a.ruleName ? t('inbox.moderation.log.byRule', { name: a.ruleName }) : t('inbox.moderation.log.byPerson', { name: a.actorName ?? '' })}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={a.state === 'failed' ? 'red' : a.state === 'undone' ? 'gray' : 'teal'}>
                    {t(`inbox.moderation.state.${a.state}`)}
                  </Badge>
                  {a.note ? (
                    <Text size="xs" c="dimmed">
                      {a.note}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {a.undoable && a.state !== 'undone' ? (
                    <Button size="compact-sm" variant="light" onClick={() => undo.mutate(a.id)} loading={undo.isPending && undo.variables === a.id}>
                      {t('inbox.moderation.log.undo')}
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}

/** Block and allow lists of authors, used by the `author_list` condition. */
function AuthorLists({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const authors = useQuery({ queryKey: inboxKeys.authors(wid), queryFn: () => inboxApi.authors(wid) });
  const [list, setList] = useState<'block' | 'allow'>('block');
  const [network, setNetwork] = useState('mastodon');
  const [author, setAuthor] = useState('');
  const add = useMutation({
    mutationFn: () => inboxApi.addAuthor(wid, { list, network, author: author.trim() }),
    onSuccess: () => {
      setAuthor('');
      void client.invalidateQueries({ queryKey: inboxKeys.authors(wid) });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => inboxApi.removeAuthor(wid, id),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.authors(wid) }),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('inbox.moderation.authors')}
      </Title>
      <Stack gap={4}>
        {authors.data?.authors.map((a) => (
          <Group key={a.id} gap="sm">
            <Badge color={a.list === 'block' ? 'red' : 'teal'} variant="light">
              {a.list === 'block' ? t('inbox.moderation.blockList') : t('inbox.moderation.allowList')}
            </Badge>
            <Text size="sm">
              {a.network} · {a.author}
            </Text>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(a.id)}>
              {t('inbox.common.delete')}
            </Button>
          </Group>
        ))}
      </Stack>
      <Group mt="sm" align="flex-end" component="form" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
        <Select
          w={140}
          label={t('inbox.moderation.listName')}
          data={[
            { value: 'block', label: t('inbox.moderation.blockList') },
            { value: 'allow', label: t('inbox.moderation.allowList') },
          ]}
          value={list}
          onChange={(v) => v && setList(v as 'block' | 'allow')}
          allowDeselect={false}
        />
        <Select w={130} label={t('inbox.moderation.network')} data={['mastodon', 'bluesky']} value={network} onChange={(v) => v && setNetwork(v)} allowDeselect={false} />
        <TextInput label={t('inbox.moderation.authorId')} value={author} onChange={(e) => setAuthor(e.currentTarget.value)} />
        <Button type="submit" disabled={!author.trim()} loading={add.isPending}>
          {t('inbox.moderation.addAuthor')}
        </Button>
      </Group>
      <ErrorAlert error={add.error} />
    </Paper>
  );
}
