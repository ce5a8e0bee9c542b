import { ActionIcon, Badge, Button, Group, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, CharterIssue, MediaRef, ValidationIssue, VariantCheck } from '../../api/types.ts';
import { MediaPicker } from '../publishing/MediaLibrary.tsx';
import type { AssetNames, Content } from './draft.ts';

type Field = 'text' | `thread[${number}].text` | 'firstComment';

/** Counter of one part: "123 / 500 characters", red with how much is over. */
function Counter({ check, field }: { check: VariantCheck | undefined; field: string }) {
  const { t } = useTranslation();
  const count = check?.counts.find((c) => c.field === field);
  if (!count) return null;
  const over = count.length - count.limit;
  return (
    <Text size="xs" c={over > 0 ? 'red' : 'dimmed'} data-testid="counter" aria-live="polite">
      {t('publishing.compose.counter', { used: count.length, max: count.limit })}
      {over > 0 ? ` · ${t('publishing.compose.over', { count: over })}` : ''}
    </Text>
  );
}

function MediaList({ media, names, onChange, label }: { media: MediaRef[]; names: AssetNames; onChange: (m: MediaRef[]) => void; label: string }) {
  const { t } = useTranslation();
  if (media.length === 0) return null;
  return (
    <Stack gap={4}>
      {media.map((m, i) => (
        <Group key={`${m.assetId}-${i}`} gap="xs" wrap="nowrap">
          <Badge variant="light" color="gray" style={{ textTransform: 'none' }} maw={180}>
            {names[m.assetId]?.filename ?? t('publishing.media.fileN', { n: i + 1 })}
          </Badge>
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            aria-label={t('publishing.compose.altTextOf', { n: i + 1, where: label })}
            placeholder={t('publishing.compose.altTextPlaceholder')}
            value={m.altText ?? ''}
            onChange={(e) => {
              const altText = e.currentTarget.value;
              onChange(media.map((x, j) => (j === i ? { ...x, altText } : x)));
            }}
          />
          <ActionIcon variant="subtle" color="red" aria-label={t('publishing.compose.removeMedia', { n: i + 1 })} onClick={() => onChange(media.filter((_, j) => j !== i))}>
            ×
          </ActionIcon>
        </Group>
      ))}
    </Stack>
  );
}

/** Issues of one field: the network's (red, with how much is over) and the charter's (warn or block). */
export function FieldIssues({ issues, charter }: { issues: ValidationIssue[]; charter: CharterIssue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0 && charter.length === 0) return null;
  return (
    <Stack gap={2} data-testid="issues">
      {issues.map((issue, i) => (
        <Text key={`n${i}`} size="sm" c="red" role="alert">
          {t(`channels.issues.${issue.code}`, { limit: issue.limit, actual: issue.actual, over: issue.over, defaultValue: issue.message })}
        </Text>
      ))}
      {charter.map((issue, i) => (
        <Group key={`c${i}`} gap={6} wrap="nowrap" align="flex-start" data-testid={`charter-${issue.level}`}>
          <Badge size="xs" color={issue.level === 'block' ? 'red' : 'yellow'} variant="filled" style={{ flexShrink: 0, marginTop: 3 }}>
            {t(`publishing.charter.levels.${issue.level}`)}
          </Badge>
          <Text size="sm" c={issue.level === 'block' ? 'red' : 'yellow.9'}>
            {t(`publishing.charter.ruleNames.${issue.rule}`)}: {issue.message}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

/** Edits one channel's content (or the shared one): text, media with alt text, thread parts, first comment. */
export function ContentEditor({ content, onChange, check, channels, names, onAssetPicked, label }: {
  content: Content;
  onChange: (change: (c: Content) => Content) => void;
  check: VariantCheck | undefined;
  /** The channels this content goes to (capabilities: thread, first comment, content warning). */
  channels: Channel[];
  names: AssetNames;
  onAssetPicked: (id: string, filename: string, kind: 'image' | 'video') => void;
  label: string;
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState<null | 'post' | number>(null);
  const caps = channels.map((c) => c.capabilities);
  const thread = caps.length === 0 || caps.some((c) => c?.publish.thread !== false);
  const comment = caps.length === 0 || caps.some((c) => c?.publish.reply !== false || c?.publish.thread !== false);
  const cw = caps.some((c) => c?.publish.contentWarning);
  const issuesOf = (field: Field | 'media') => ({
    issues: check?.issues.filter((i) => i.field === field || i.field.startsWith(`${field}.`) || (field === 'text' && /^media/.test(i.field))) ?? [],
    charter: check?.charter.filter((i) => i.field === field) ?? [],
  });
  const variantCharter = check?.charter.filter((i) => i.field === 'variant') ?? [];

  return (
    <Stack gap="sm">
      {cw ? (
        <TextInput
          label={t('publishing.compose.contentWarning')}
          description={t('publishing.compose.contentWarningHelp')}
          value={content.contentWarning}
          onChange={(e) => {
            const v = e.currentTarget.value;
            onChange((c) => ({ ...c, contentWarning: v }));
          }}
        />
      ) : null}
      <Textarea
        label={t('publishing.compose.textOf', { where: label })}
        value={content.text}
        onChange={(e) => {
          const v = e.currentTarget.value;
          onChange((c) => ({ ...c, text: v }));
        }}
        autosize
        minRows={4}
        maxRows={14}
        error={issuesOf('text').issues.length > 0 || issuesOf('text').charter.some((i) => i.level === 'block')}
      />
      <Group justify="space-between">
        <Counter check={check} field="text" />
        <Button size="compact-xs" variant="default" onClick={() => setPicking('post')}>
          {t('publishing.compose.addMedia')}
        </Button>
      </Group>
      <MediaList media={content.media} names={names} label={label} onChange={(media) => onChange((c) => ({ ...c, media }))} />
      <FieldIssues {...issuesOf('text')} />
      {content.thread.map((part, index) => {
        const field = `thread[${index}].text` as const;
        return (
          <Paper key={index} withBorder p="xs" radius="sm" bg="gray.0">
            <Stack gap={4}>
              <Group justify="space-between">
                <Text size="xs" fw={600}>
                  {t('publishing.compose.partN', { n: index + 2 })}
                </Text>
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => onChange((c) => ({ ...c, thread: c.thread.filter((_, j) => j !== index) }))}>
                  {t('publishing.compose.removePart')}
                </Button>
              </Group>
              <Textarea
                aria-label={t('publishing.compose.partTextOf', { n: index + 2, where: label })}
                value={part.text}
                autosize
                minRows={2}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  onChange((c) => ({ ...c, thread: c.thread.map((p, j) => (j === index ? { ...p, text: v } : p)) }));
                }}
              />
              <Group justify="space-between">
                <Counter check={check} field={field} />
                <Button size="compact-xs" variant="default" onClick={() => setPicking(index)}>
                  {t('publishing.compose.addMedia')}
                </Button>
              </Group>
              <MediaList
                media={part.media}
                names={names}
                label={label}
                onChange={(media) => onChange((c) => ({ ...c, thread: c.thread.map((p, j) => (j === index ? { ...p, media } : p)) }))}
              />
              <FieldIssues {...issuesOf(field)} />
            </Stack>
          </Paper>
        );
      })}
      <Group gap="xs">
        {thread ? (
          <Button size="compact-sm" variant="default" onClick={() => onChange((c) => ({ ...c, thread: [...c.thread, { text: '', media: [] }] }))}>
            {t('publishing.compose.addPart')}
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            {t('publishing.compose.noThread')}
          </Text>
        )}
      </Group>
      {comment ? (
        <>
          <Textarea
            label={t('publishing.compose.firstComment')}
            description={t('publishing.compose.firstCommentHelp')}
            value={content.firstComment}
            autosize
            minRows={1}
            onChange={(e) => {
              const v = e.currentTarget.value;
              onChange((c) => ({ ...c, firstComment: v }));
            }}
          />
          <Counter check={check} field="firstComment" />
          <FieldIssues {...issuesOf('firstComment')} />
        </>
      ) : null}
      <FieldIssues issues={check?.issues.filter((i) => i.field === 'thread' || i.field === 'variant') ?? []} charter={variantCharter} />
      <MediaPicker
        opened={picking !== null}
        onClose={() => setPicking(null)}
        onPick={(asset) => {
          onAssetPicked(asset.id, asset.filename, asset.kind);
          const ref: MediaRef = asset.altText ? { assetId: asset.id, altText: asset.altText } : { assetId: asset.id };
          if (picking === 'post') onChange((c) => ({ ...c, media: [...c.media, ref] }));
          else if (typeof picking === 'number') {
            const index = picking;
            onChange((c) => ({ ...c, thread: c.thread.map((p, j) => (j === index ? { ...p, media: [...p.media, ref] } : p)) }));
          }
        }}
      />
    </Stack>
  );
}
