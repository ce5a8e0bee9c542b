import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Textarea, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient, useMe } from '../../api/queries.ts';
import type { Post, PostVariant } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { NetworkBadge } from '../settings/channels/NetworkBadge.tsx';
import { safeUrl } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { StateBadge } from './common.tsx';
import { may, pubKeys, publishingApi } from './publishing-api.ts';

const refresh = (wid: string) => queryClient.invalidateQueries({ queryKey: pubKeys.all(wid) });

function VariantCard({ variant }: { variant: PostVariant }) {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [url, setUrl] = useState('');
  const retry = useMutation({ mutationFn: () => publishingApi.retry(workspace.id, variant.id), onSettled: () => refresh(workspace.id) });
  const resolve = useMutation({
    mutationFn: (outcome: 'published' | 'not_published') => publishingApi.resolve(workspace.id, variant.id, outcome, url.trim() || undefined),
    onSettled: () => refresh(workspace.id),
  });
  const link = safeUrl(variant.remoteUrl, { allowHttp: true });
  const network = variant.network === 'bluesky' ? 'bluesky' : 'mastodon';
  return (
    <Card withBorder padding="md" radius="md" component="article" aria-label={t('publishing.post.variantOf', { handle: variant.channelHandle })} data-testid="variant">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <NetworkBadge network={network} />
            <Text fw={600}>@{variant.channelHandle}</Text>
          </Group>
          <StateBadge state={variant.state} size="md" />
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {variant.text}
        </Text>
        {variant.thread.map((p, i) => (
          <Text key={i} size="sm" c="dimmed" pl="sm" ml={4} style={{ whiteSpace: 'pre-wrap', borderLeft: '2px solid var(--mantine-color-gray-3)' }}>
            {p.text}
          </Text>
        ))}
        {variant.firstComment ? (
          <Text size="sm" c="dimmed">
            {t('publishing.post.firstComment')}: {variant.firstComment}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {variant.publishedAt
            ? t('publishing.post.publishedAt', { time: dates.dateTime(variant.publishedAt) })
            : variant.dueAt
              ? t(variant.state === 'scheduled' ? 'publishing.post.dueAt' : 'publishing.post.plannedAt', { time: dates.dateTime(variant.dueAt) })
              : t('publishing.post.noTime')}
          {variant.attempts > 0 ? ` · ${t('publishing.post.attempts', { count: variant.attempts })}` : ''}
        </Text>
        {link ? (
          <Anchor href={link} target="_blank" rel="noopener noreferrer" size="sm" data-testid="remote-link">
            {t('publishing.post.openRemote')}
          </Anchor>
        ) : null}
        {variant.parts.length > 1 ? (
          <Text size="xs" c="dimmed">
            {t('publishing.post.partsPublished', { count: variant.parts.length })}
          </Text>
        ) : null}
        {variant.error && (variant.state === 'failed' || variant.state === 'unknown' || variant.state === 'scheduled') ? (
          <Alert color={variant.state === 'unknown' ? 'orange' : 'red'} variant="light" title={t(`publishing.post.errorTitle.${variant.state === 'unknown' ? 'unknown' : 'failed'}`)} role="alert">
            <Text size="sm" data-testid="variant-error">
              {variant.error}
            </Text>
            {variant.errorCode ? (
              <Text size="xs" c="dimmed" ff="monospace">
                {variant.errorCode}
              </Text>
            ) : null}
          </Alert>
        ) : null}
        {may(role, 'post.publish') && variant.retryable ? (
          <Group>
            <Button size="xs" onClick={() => retry.mutate()} loading={retry.isPending}>
              {t('publishing.post.retry')}
            </Button>
          </Group>
        ) : null}
        {variant.state === 'failed' && !variant.retryable ? (
          <Text size="xs" c="dimmed">
            {t('publishing.post.notRetryable')}
          </Text>
        ) : null}
        {may(role, 'post.publish') && variant.needsDecision ? (
          <Stack gap={4}>
            <Text size="sm">{t('publishing.post.needsDecision')}</Text>
            <Group align="flex-end" gap="xs">
              <TextInput size="xs" label={t('publishing.post.remoteUrl')} value={url} onChange={(e) => setUrl(e.currentTarget.value)} w={260} />
              <Button size="xs" onClick={() => resolve.mutate('published')} loading={resolve.isPending}>
                {t('publishing.post.wasPublished')}
              </Button>
              <Button size="xs" variant="default" onClick={() => resolve.mutate('not_published')} loading={resolve.isPending}>
                {t('publishing.post.wasNotPublished')}
              </Button>
            </Group>
          </Stack>
        ) : null}
        <ErrorAlert error={retry.error ?? resolve.error} />
      </Stack>
    </Card>
  );
}

/** Approve (optional comment) or reject (comment required) the post's current step. */
export function DecisionForm({ post }: { post: Post }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [comment, setComment] = useState('');
  const approve = useMutation({ mutationFn: () => publishingApi.approve(workspace.id, post.id, comment.trim()), onSuccess: () => setComment(''), onSettled: () => refresh(workspace.id) });
  const reject = useMutation({ mutationFn: () => publishingApi.reject(workspace.id, post.id, comment.trim()), onSuccess: () => setComment(''), onSettled: () => refresh(workspace.id) });
  return (
    <Stack gap="xs">
      <Textarea label={t('publishing.approvals.comment')} description={t('publishing.approvals.commentHelp')} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={2} />
      <Group gap="xs">
        <Button color="teal" onClick={() => approve.mutate()} loading={approve.isPending}>
          {t('publishing.approvals.approve')}
        </Button>
        <Button color="red" variant="light" onClick={() => reject.mutate()} loading={reject.isPending} disabled={!comment.trim()}>
          {t('publishing.approvals.reject')}
        </Button>
      </Group>
      <ErrorAlert error={approve.error ?? reject.error} />
    </Stack>
  );
}

function History({ postId }: { postId: string }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const history = useQuery({ queryKey: pubKeys.history(workspace.id, postId), queryFn: () => publishingApi.history(workspace.id, postId) });
  const items = history.data?.history ?? [];
  if (items.length === 0) return <Text size="sm" c="dimmed">{t('publishing.post.noHistory')}</Text>;
  return (
    <Timeline bulletSize={14} lineWidth={2}>
      {items.map((h, i) => (
        <Timeline.Item key={i} color={h.decision === 'rejected' ? 'red' : h.decision === 'approved' ? 'teal' : 'gray'} title={t(`publishing.post.decisions.${h.decision}`, { defaultValue: h.decision })}>
          <Text size="xs" c="dimmed">
            {h.user?.name ?? '—'} · {dates.dateTime(h.at)}
          </Text>
          {h.comment ? <Text size="sm">“{h.comment}”</Text> : null}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/** One post: its variants' states, remote links, exact errors, retry; approval history and decision. */
export function PostDetailPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/w/$wid/posts/$id' });
  const { workspace, role } = useCurrentWorkspace();
  const user = useMe().data?.user;
  const navigate = useNavigate();
  const wid = workspace.id;
  const dates = useWorkspaceDates();
  const q = useQuery({ queryKey: pubKeys.post(wid, id), queryFn: () => publishingApi.post(wid, id) });
  const post = q.data?.post;
  const after = { onSettled: () => refresh(wid) };
  const submit = useMutation({ mutationFn: () => publishingApi.submit(wid, id), ...after });
  const planned = useMutation({ mutationFn: () => publishingApi.schedule(wid, id, { mode: 'planned' }), ...after });
  const now = useMutation({ mutationFn: () => publishingApi.schedule(wid, id, { mode: 'now' }), ...after });
  const unschedule = useMutation({ mutationFn: () => publishingApi.unschedule(wid, id), ...after });
  const duplicate = useMutation({ mutationFn: () => publishingApi.duplicate(wid, id), onSuccess: ({ post: p }) => void navigate({ to: '/w/$wid/compose', params: { wid }, search: { post: p.id } }) });
  const remove = useMutation({ mutationFn: () => publishingApi.deletePost(wid, id), onSuccess: () => void navigate({ to: '/w/$wid/calendar', params: { wid } }) });
  if (!post) return q.error ? <ErrorAlert error={q.error} /> : <Text c="dimmed">{t('common.loading')}</Text>;

  const states = post.variants.map((v) => v.state);
  const me = user?.id;
  const isAuthor = post.author?.id === me;
  const canDecide = states.includes('in_review') && may(role, 'post.approve') && !isAuthor;
  const editable = states.every((s) => !['publishing', 'published', 'unknown'].includes(s));
  const publisher = may(role, 'post.publish');

  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {post.title || t('publishing.post.untitled')}
          </Title>
          <Group gap="xs">
            <StateBadge state={post.status} size="md" />
            {post.campaign ? (
              <Badge variant="dot" color="gray" style={{ textTransform: 'none' }} >
                {post.campaign.name}
              </Badge>
            ) : null}
            {post.tags.map((tag) => (
              <Badge key={tag} variant="outline" color="gray" size="sm" style={{ textTransform: 'none' }}>
                #{tag}
              </Badge>
            ))}
            {post.recurrence ? <Badge variant="light">{t('publishing.post.recurring')}</Badge> : null}
          </Group>
          <Text size="sm" c="dimmed">
            {t('publishing.post.by', { name: post.author?.name ?? '—', time: dates.dateTime(post.createdAt) })}
          </Text>
        </Stack>
        <Group gap="xs">
          {editable && may(role, 'post.draft') ? (
            <Button variant="default" onClick={() => void navigate({ to: '/w/$wid/compose', params: { wid }, search: { post: id } })}>
              {t('publishing.post.edit')}
            </Button>
          ) : null}
          {may(role, 'post.draft') ? (
            <Button variant="default" onClick={() => duplicate.mutate()} loading={duplicate.isPending}>
              {t('publishing.post.duplicate')}
            </Button>
          ) : null}
          {editable && may(role, 'post.draft') ? (
            <ConfirmButton label={t('publishing.post.delete')} question={t('publishing.post.deleteConfirm')} onConfirm={() => remove.mutate()} loading={remove.isPending} size="sm" />
          ) : null}
        </Group>
      </Group>
      <Group gap="xs">
        {states.includes('draft') && may(role, 'post.draft') ? (
          <Button onClick={() => submit.mutate()} loading={submit.isPending} variant={publisher ? 'default' : 'filled'}>
            {t('publishing.compose.submit')}
          </Button>
        ) : null}
        {publisher && states.some((s) => s === 'approved' || s === 'draft') && post.variants.some((v) => v.dueAt) ? (
          <Button onClick={() => planned.mutate()} loading={planned.isPending}>
            {t('publishing.post.scheduleAtPlanned')}
          </Button>
        ) : null}
        {publisher && states.some((s) => s === 'approved' || s === 'draft' || s === 'scheduled') ? (
          <Button variant="light" onClick={() => now.mutate()} loading={now.isPending}>
            {t('publishing.compose.publishNow')}
          </Button>
        ) : null}
        {publisher && states.includes('scheduled') ? (
          <Button variant="default" onClick={() => unschedule.mutate()} loading={unschedule.isPending}>
            {t('publishing.post.unschedule')}
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={submit.error ?? planned.error ?? now.error ?? unschedule.error ?? duplicate.error ?? remove.error} />
      <Stack gap="md">
        {post.variants.map((v) => (
          <VariantCard key={v.id} variant={v} />
        ))}
      </Stack>
      <Section title={t('publishing.post.approval')}>
        {canDecide ? <DecisionForm post={post} /> : null}
        {states.includes('in_review') && isAuthor ? <Text size="sm" c="dimmed">{t('publishing.post.waiting')}</Text> : null}
        <History postId={post.id} />
      </Section>
    </Stack>
  );
}
