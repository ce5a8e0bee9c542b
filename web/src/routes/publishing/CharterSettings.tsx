import { Button, Group, NumberInput, SegmentedControl, Select, Stack, TagsInput, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries.ts';
import type { CharterLevel, CharterRules } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { may, pubKeys, publishingApi, useCharter } from './publishing-api.ts';

function Rule({ name, level, onLevel, children, disabled }: { name: keyof CharterRules; level: CharterLevel; onLevel: (l: CharterLevel) => void; children: ReactNode; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} data-testid={`rule-${name}`}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {t(`publishing.charter.ruleNames.${name}`)}
        </Text>
        <SegmentedControl
          size="xs"
          aria-label={t('publishing.charter.levelOf', { rule: t(`publishing.charter.ruleNames.${name}`) })}
          value={level}
          onChange={(v) => onLevel(v as CharterLevel)}
          disabled={disabled}
          data={(['off', 'warn', 'block'] as const).map((l) => ({ value: l, label: t(`publishing.charter.levels.${l}`) }))}
        />
      </Group>
      {level !== 'off' ? children : null}
    </Stack>
  );
}

/** Settings → Charter: tone notes shown in the composer, and rules each set to warn or block. */
export function CharterSettings() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const charter = useCharter(workspace.id);
  const [toneNotes, setToneNotes] = useState('');
  const [rules, setRules] = useState<Required<CharterRules>>(defaults());
  const canEdit = may(role, 'charter.manage');
  const [loaded, setLoaded] = useState(false);
  // Filled once from the server; later refetches (another tab saving) must not wipe what is being typed.
  useEffect(() => {
    if (charter.data && !loaded) {
      setLoaded(true);
      setToneNotes(charter.data.toneNotes);
      setRules({ ...defaults(), ...charter.data.rules } as Required<CharterRules>);
    }
  }, [charter.data, loaded]);
  const save = useMutation({
    mutationFn: () => publishingApi.saveCharter(workspace.id, { toneNotes, rules }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: pubKeys.all(workspace.id) }),
  });
  const set = <K extends keyof CharterRules>(key: K, patch: Partial<Required<CharterRules>[K]>) => setRules((r) => ({ ...r, [key]: { ...r[key], ...patch } }));

  if (!loaded) {
    return (
      <Section title={t('publishing.charter.title')} description={t('publishing.charter.description')}>
        {charter.error ? <ErrorAlert error={charter.error} /> : <Text size="sm" c="dimmed">{t('common.loading')}</Text>}
      </Section>
    );
  }
  return (
    <Section title={t('publishing.charter.title')} description={t('publishing.charter.description')}>
      {!canEdit ? <Text size="sm" c="dimmed">{t('publishing.charter.readOnly')}</Text> : null}
      <Textarea label={t('publishing.charter.toneNotes')} description={t('publishing.charter.toneNotesHelp')} value={toneNotes} onChange={(e) => setToneNotes(e.currentTarget.value)} autosize minRows={3} readOnly={!canEdit} />
      <Rule name="bannedPhrases" level={rules.bannedPhrases.level} onLevel={(level) => set('bannedPhrases', { level })} disabled={!canEdit}>
        <TagsInput label={t('publishing.charter.phrases')} description={t('publishing.charter.phrasesHelp')} value={rules.bannedPhrases.phrases} onChange={(phrases) => set('bannedPhrases', { phrases })} readOnly={!canEdit} />
      </Rule>
      <Rule name="requiredMentions" level={rules.requiredMentions.level} onLevel={(level) => set('requiredMentions', { level })} disabled={!canEdit}>
        <Group align="flex-end">
          <TagsInput label={t('publishing.charter.mentions')} value={rules.requiredMentions.values} onChange={(values) => set('requiredMentions', { values })} style={{ flex: 1 }} readOnly={!canEdit} />
          <Select label={t('publishing.charter.match')} value={rules.requiredMentions.match} onChange={(v) => set('requiredMentions', { match: (v ?? 'all') as 'all' | 'any' })} data={[{ value: 'all', label: t('publishing.charter.matchAll') }, { value: 'any', label: t('publishing.charter.matchAny') }]} w={160} allowDeselect={false} />
        </Group>
      </Rule>
      <Rule name="requiredHashtags" level={rules.requiredHashtags.level} onLevel={(level) => set('requiredHashtags', { level })} disabled={!canEdit}>
        <Group align="flex-end">
          <TagsInput label={t('publishing.charter.hashtags')} value={rules.requiredHashtags.values} onChange={(values) => set('requiredHashtags', { values })} style={{ flex: 1 }} readOnly={!canEdit} />
          <Select label={t('publishing.charter.match')} value={rules.requiredHashtags.match} onChange={(v) => set('requiredHashtags', { match: (v ?? 'all') as 'all' | 'any' })} data={[{ value: 'all', label: t('publishing.charter.matchAll') }, { value: 'any', label: t('publishing.charter.matchAny') }]} w={160} allowDeselect={false} />
        </Group>
      </Rule>
      <Rule name="maxHashtags" level={rules.maxHashtags.level} onLevel={(level) => set('maxHashtags', { level })} disabled={!canEdit}>
        <NumberInput label={t('publishing.charter.maxHashtags')} value={rules.maxHashtags.max} min={0} max={100} onChange={(v) => set('maxHashtags', { max: Number(v) || 0 })} w={200} readOnly={!canEdit} />
      </Rule>
      <Rule name="emoji" level={rules.emoji.level} onLevel={(level) => set('emoji', { level })} disabled={!canEdit}>
        <Group>
          <Select label={t('publishing.charter.emojiPolicy')} value={rules.emoji.policy} onChange={(v) => set('emoji', { policy: (v ?? 'none') as 'none' | 'max' })} data={[{ value: 'none', label: t('publishing.charter.emojiNone') }, { value: 'max', label: t('publishing.charter.emojiMax') }]} w={200} allowDeselect={false} />
          {rules.emoji.policy === 'max' ? <NumberInput label={t('publishing.charter.emojiCount')} value={rules.emoji.max} min={0} max={100} onChange={(v) => set('emoji', { max: Number(v) || 0 })} w={160} /> : null}
        </Group>
      </Rule>
      <Rule name="language" level={rules.language.level} onLevel={(level) => set('language', { level })} disabled={!canEdit}>
        <Select label={t('publishing.charter.languageValue')} value={rules.language.value} onChange={(v) => set('language', { value: v ?? 'fr' })} data={[{ value: 'fr', label: 'Français' }, { value: 'en', label: 'English' }, { value: 'es', label: 'Español' }, { value: 'de', label: 'Deutsch' }, { value: 'it', label: 'Italiano' }]} w={200} allowDeselect={false} />
      </Rule>
      <ErrorAlert error={save.error} />
      {canEdit ? (
        <Group justify="flex-end" gap="sm">
          {save.isSuccess ? <Text size="sm" c="teal">{t('common.saved')}</Text> : null}
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t('publishing.charter.save')}
          </Button>
        </Group>
      ) : null}
    </Section>
  );
}

function defaults(): Required<CharterRules> {
  return {
    bannedPhrases: { level: 'off', phrases: [] },
    requiredMentions: { level: 'off', values: [], match: 'all' },
    requiredHashtags: { level: 'off', values: [], match: 'all' },
    maxHashtags: { level: 'off', max: 3 },
    emoji: { level: 'off', policy: 'max', max: 2 },
    language: { level: 'off', value: 'fr' },
  };
}
