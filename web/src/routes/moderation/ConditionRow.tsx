import { ActionIcon, Checkbox, Group, MultiSelect, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useChannels } from '../settings/channels/channels-api.ts';
import { CONDITION_TYPES, SENTIMENTS } from '../inbox/api/index.ts';
import type { Condition, ConditionType } from '../inbox/api/index.ts';
import { MESSAGE_KINDS, RULE_INTENTS, defaultCondition } from './rule-defaults.ts';

/** One condition of a rule: its type, the type's parameters, "not", and remove. */
export function ConditionRow({
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
  let params: ReactNode = null;
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
