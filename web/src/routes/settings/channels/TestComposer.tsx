import { ActionIcon, Anchor, Badge, Button, Group, Image, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelLimits, PublishedTest, TestPart, TestPost, ValidationIssue } from '../../../api/types.ts';
import { ConfirmButton } from '../../../components/ConfirmButton.tsx';
import { Section } from '../../../components/Section.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi, roleCan, safeUrl } from './channels-api.ts';
import { countText, locateField } from './text-count.ts';

interface DraftImage {
  key: string;
  name: string;
  size: number;
  mimeType: string;
  dataBase64: string;
  previewUrl: string;
  altText: string;
}

interface DraftPart {
  key: string;
  text: string;
  images: DraftImage[];
}

let nextKey = 0;
const newPart = (): DraftPart => ({ key: `p${nextKey++}`, text: '', images: [] });

function toPost(parts: DraftPart[], replyTo: string): TestPost {
  const part = (p: DraftPart): TestPart => ({
    text: p.text,
    ...(p.images.length
      ? { images: p.images.map((i) => ({ dataBase64: i.dataBase64, mimeType: i.mimeType, ...(i.altText.trim() ? { altText: i.altText.trim() } : {}) })) }
      : {}),
  });
  const [first, ...rest] = parts;
  return {
    ...part(first!),
    ...(rest.length ? { thread: rest.map(part) } : {}),
    ...(replyTo.trim() ? { replyTo: replyTo.trim() } : {}),
  };
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

function formatBytes(n: number, locale: string): string {
  const fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  if (n >= 1_000_000) return `${fmt.format(n / 1_000_000)} MB`;
  if (n >= 1000) return `${fmt.format(n / 1000)} kB`;
  return `${fmt.format(n)} B`;
}

/** A published post of this session (the metrics panel offers its remote ids). */
export interface SessionPost extends PublishedTest {
  deleted: string[];
}

/** The test composer: text, images with alt text, thread parts, reply-to; live validation; publish; delete. */
export function TestComposer({ channel, posts, onPublished, onDeleted }: {
  channel: Channel;
  posts: SessionPost[];
  onPublished: (post: PublishedTest) => void;
  onDeleted: (remoteId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const [parts, setParts] = useState<DraftPart[]>(() => [newPart()]);
  const [replyTo, setReplyTo] = useState('');
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [checking, setChecking] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const seq = useRef(0);
  const limits = channel.limits as Partial<ChannelLimits>;
  const caps = channel.capabilities;
  const canDraft = roleCan(role, 'post.draft');
  const canPublish = roleCan(role, 'post.publish');
  const maxImages = limits.media?.maxCount ?? 4;
  const maxParts = caps && !caps.publish.thread ? 1 : (limits.maxThreadParts ?? 25);
  const post = toPost(parts, replyTo);
  const postKey = JSON.stringify(post);
  const empty = parts.every((p) => p.text.trim() === '' && p.images.length === 0);

  // Live validation against the server (the authority), debounced; stale answers are ignored.
  useEffect(() => {
    if (!canDraft || empty) {
      setIssues([]);
      return;
    }
    const mine = ++seq.current;
    setChecking(true);
    const timer = setTimeout(() => {
      channelsApi
        .validate(workspace.id, channel.id, JSON.parse(postKey) as TestPost)
        .then((r) => {
          if (seq.current === mine) setIssues(r.issues);
        })
        .catch(() => {
          if (seq.current === mine) setIssues([]);
        })
        .finally(() => {
          if (seq.current === mine) setChecking(false);
        });
    }, 400);
    return () => clearTimeout(timer);
  }, [postKey, canDraft, empty, workspace.id, channel.id]);

  const publish = useMutation({
    mutationFn: () => channelsApi.publish(workspace.id, channel.id, post),
    onSuccess: (published) => {
      onPublished(published);
      for (const p of parts) for (const i of p.images) URL.revokeObjectURL(i.previewUrl);
      setParts([newPart()]);
      setReplyTo('');
    },
  });

  const update = (key: string, change: (p: DraftPart) => DraftPart) =>
    setParts((all) => all.map((p) => (p.key === key ? change(p) : p)));

  const addImages = async (part: DraftPart, event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    input.value = '';
    const errors: string[] = [];
    const added: DraftImage[] = [];
    for (const file of files) {
      if (part.images.length + added.length >= maxImages) {
        errors.push(t('channels.test.imageTooMany', { max: maxImages }));
        break;
      }
      const types = limits.media?.imageMimeTypes ?? [];
      if (types.length > 0 && !types.includes(file.type)) {
        errors.push(t('channels.test.imageType', { name: file.name, type: file.type || '?', types: types.join(', ') }));
        continue;
      }
      const maxBytes = limits.media?.maxImageBytes;
      if (maxBytes && file.size > maxBytes) {
        errors.push(t('channels.test.imageSize', { name: file.name, size: formatBytes(file.size, i18n.language), max: formatBytes(maxBytes, i18n.language) }));
        continue;
      }
      added.push({
        key: `i${nextKey++}`,
        name: file.name,
        size: file.size,
        mimeType: file.type,
        dataBase64: await readAsBase64(file),
        previewUrl: URL.createObjectURL(file),
        altText: '',
      });
    }
    setLocalErrors((e) => ({ ...e, [part.key]: errors.join(' ') }));
    if (added.length) update(part.key, (p) => ({ ...p, images: [...p.images, ...added] }));
  };

  const blocked = issues.length > 0 || checking || empty;

  return (
    <Section title={t('channels.test.composeTitle')} description={t('channels.test.composeDescription', { network: t(`channels.networks.${channel.network}`) })}>
      {!canDraft ? (
        <Text size="sm" c="dimmed">
          {t('channels.test.cannotDraft')}
        </Text>
      ) : (
        <Stack gap="md">
          {parts.map((part, index) => {
            const partIssues = issues.filter((i) => locateField(i.field).part === index);
            const count = countText(part.text, limits.text);
            const max = limits.text?.maxLength;
            const over = max !== undefined && count.length > max;
            return (
              <Paper key={part.key} withBorder p="sm" radius="sm" data-testid={`part-${index + 1}`}>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={600} size="sm">
                      {parts.length > 1 ? t('channels.test.partTitle', { n: index + 1, total: parts.length }) : t('channels.test.postTitle')}
                    </Text>
                    {index > 0 ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setParts((all) => all.filter((p) => p.key !== part.key))}
                        aria-label={t('channels.test.removePartN', { n: index + 1 })}
                      >
                        {t('channels.test.removePart')}
                      </Button>
                    ) : null}
                  </Group>
                  <Textarea
                    label={parts.length > 1 ? t('channels.test.textOfPart', { n: index + 1 }) : t('channels.test.text')}
                    value={part.text}
                    onChange={(e) => {
                      const text = e.currentTarget.value;
                      update(part.key, (p) => ({ ...p, text }));
                    }}
                    autosize
                    minRows={3}
                    maxRows={12}
                    error={partIssues.some((i) => locateField(i.field).rest === 'text') || over}
                  />
                  <Group justify="space-between" gap="xs">
                    <Text size="xs" c={over ? 'red' : 'dimmed'} data-testid="char-counter" aria-live="polite">
                      {max !== undefined
                        ? t('channels.test.counter', { used: count.length, max })
                        : t('channels.test.counterNoMax', { used: count.length })}
                      {limits.text?.maxBytes ? ` · ${t('channels.test.bytes', { used: count.bytes, max: limits.text.maxBytes })}` : ''}
                    </Text>
                    {caps?.publish.images !== false ? (
                      <Button
                        component="label"
                        size="compact-xs"
                        variant="default"
                        disabled={part.images.length >= maxImages}
                      >
                        {t('channels.test.addImages', { used: part.images.length, max: maxImages })}
                        <input
                          type="file"
                          accept={(limits.media?.imageMimeTypes ?? ['image/*']).join(',')}
                          multiple
                          hidden
                          aria-label={t('channels.test.imagesOfPart', { n: index + 1 })}
                          onChange={(e) => void addImages(part, e)}
                        />
                      </Button>
                    ) : null}
                  </Group>
                  {localErrors[part.key] ? (
                    <Text size="sm" c="red" role="alert">
                      {localErrors[part.key]}
                    </Text>
                  ) : null}
                  {part.images.map((image, i) => (
                    <Group key={image.key} align="flex-start" gap="sm" wrap="nowrap">
                      <Image src={image.previewUrl} alt="" w={72} h={72} fit="cover" radius="sm" />
                      <Stack gap={4} style={{ flex: 1 }}>
                        <Text size="xs" c="dimmed">
                          {image.name} · {image.mimeType} · {formatBytes(image.size, i18n.language)}
                        </Text>
                        <TextInput
                          size="xs"
                          label={t('channels.test.altText', { n: i + 1 })}
                          description={t('channels.test.altTextHelp')}
                          value={image.altText}
                          onChange={(e) => {
                            const altText = e.currentTarget.value;
                            update(part.key, (p) => ({ ...p, images: p.images.map((x) => (x.key === image.key ? { ...x, altText } : x)) }));
                          }}
                        />
                      </Stack>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('channels.test.removeImage', { name: image.name })}
                        onClick={() => {
                          URL.revokeObjectURL(image.previewUrl);
                          update(part.key, (p) => ({ ...p, images: p.images.filter((x) => x.key !== image.key) }));
                        }}
                      >
                        ×
                      </ActionIcon>
                    </Group>
                  ))}
                  <IssueList issues={partIssues} />
                </Stack>
              </Paper>
            );
          })}
          <IssueList issues={issues.filter((i) => locateField(i.field).part >= parts.length)} />
          <Group justify="space-between" align="flex-end">
            <Button
              variant="default"
              size="sm"
              onClick={() => setParts((all) => [...all, newPart()])}
              disabled={parts.length >= maxParts}
            >
              {t('channels.test.addPart')}
            </Button>
            {caps?.publish.reply !== false ? (
              <TextInput
                label={t('channels.test.replyTo')}
                description={t('channels.test.replyToHelp')}
                value={replyTo}
                onChange={(e) => setReplyTo(e.currentTarget.value)}
                w={320}
              />
            ) : null}
          </Group>
          <ChannelErrorAlert error={publish.error} />
          <Group justify="flex-end" gap="sm">
            <Text size="xs" c="dimmed" aria-live="polite">
              {checking ? t('channels.test.checking') : issues.length > 0 ? t('channels.test.blocked', { count: issues.length }) : empty ? '' : t('channels.test.ready')}
            </Text>
            {canPublish ? (
              <Button onClick={() => publish.mutate()} loading={publish.isPending} disabled={blocked}>
                {parts.length > 1 ? t('channels.test.publishThread', { parts: parts.length }) : t('channels.test.publish')}
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {t('channels.test.cannotPublish')}
              </Text>
            )}
          </Group>
          {posts.length > 0 ? <PublishedList channel={channel} posts={posts} onDeleted={onDeleted} /> : null}
        </Stack>
      )}
    </Section>
  );
}

function IssueList({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) return null;
  return (
    <Stack gap={2} role="alert" data-testid="issues">
      {issues.map((issue, i) => (
        <Text key={`${issue.field}-${issue.code}-${i}`} size="sm" c="red">
          <Text span fw={600} size="sm">
            {fieldLabel(issue.field, t)}
          </Text>{' '}
          {t(`channels.issues.${issue.code}`, { limit: issue.limit, actual: issue.actual, over: issue.over, defaultValue: issue.message })}
        </Text>
      ))}
    </Stack>
  );
}

function fieldLabel(field: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  const { part, rest } = locateField(field);
  const media = /^media\[(\d+)\](?:\.(\w+))?$/.exec(rest);
  let what: string;
  if (rest === 'text') what = t('channels.fields.text');
  else if (media) what = media[2] === 'altText' ? t('channels.fields.altText', { n: Number(media[1]) + 1 }) : t('channels.fields.image', { n: Number(media[1]) + 1 });
  else if (rest === 'media') what = t('channels.fields.images');
  else if (rest === 'thread') what = t('channels.fields.thread');
  else if (rest === 'replyTo') what = t('channels.fields.replyTo');
  else what = rest;
  return t('channels.fields.where', { part: part + 1, what });
}

function PublishedList({ channel, posts, onDeleted }: { channel: Channel; posts: SessionPost[]; onDeleted: (remoteId: string) => void }) {
  const { t } = useTranslation();
  const dates = useWorkspaceDates();
  return (
    <Stack gap="xs" data-testid="published">
      <Text fw={600} size="sm">
        {t('channels.test.publishedTitle')}
      </Text>
      {posts.map((post) => (
        <Paper key={post.remoteId} withBorder p="xs" radius="sm">
          <Text size="xs" c="dimmed">
            {t('channels.test.publishedAt', { time: dates.dateTime(post.publishedAt) })}
          </Text>
          <Stack gap={4} mt={4}>
            {post.parts.map((part) => (
              <PublishedPart key={part.remoteId} channel={channel} part={part} deleted={post.deleted.includes(part.remoteId)} onDeleted={onDeleted} />
            ))}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function PublishedPart({ channel, part, deleted, onDeleted }: {
  channel: Channel;
  part: PublishedTest['parts'][number];
  deleted: boolean;
  onDeleted: (remoteId: string) => void;
}) {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const remove = useMutation({
    mutationFn: () => channelsApi.deletePost(workspace.id, channel.id, part.remoteId),
    onSuccess: () => onDeleted(part.remoteId),
  });
  const url = safeUrl(part.url, { allowHttp: true });
  return (
    <Stack gap={2} data-testid="published-part">
      <Group gap="xs" wrap="nowrap">
        <Badge variant="light" color="gray" size="sm">
          {t('channels.test.partN', { n: part.index + 1 })}
        </Badge>
        {url && !deleted ? (
          <Anchor href={url} target="_blank" rel="noopener noreferrer" size="sm">
            {t('channels.test.open')}
          </Anchor>
        ) : null}
        <Text size="xs" c="dimmed" ff="monospace" truncate style={{ flex: 1 }}>
          {part.remoteId}
        </Text>
        {deleted ? (
          <Badge color="gray" variant="outline" size="sm">
            {t('channels.test.deleted')}
          </Badge>
        ) : channel.capabilities?.deleteOwn !== false && roleCan(role, 'post.publish') ? (
          <ConfirmButton
            label={t('channels.test.delete')}
            aria-label={t('channels.test.deleteWhich', { n: part.index + 1, id: part.remoteId })}
            question={t('channels.test.deleteConfirm')}
            onConfirm={() => remove.mutate()}
            loading={remove.isPending}
          />
        ) : null}
      </Group>
      <ChannelErrorAlert error={remove.error} />
    </Stack>
  );
}
