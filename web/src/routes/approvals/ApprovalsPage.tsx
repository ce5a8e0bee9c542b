import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { NetworkBadge } from '../settings/channels/NetworkBadge.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { DecisionForm } from '../publishing/PostDetailPage.tsx';
import { may, pubKeys, publishingApi } from '../publishing/publishing-api.ts';

/** Posts waiting for my decision: every variant's text, then approve or reject with a comment. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const inbox = useQuery({ queryKey: pubKeys.inbox(workspace.id), queryFn: () => publishingApi.approvalInbox(workspace.id), enabled: may(role, 'post.approve') });
  return (
    <Stack gap="lg" maw={1000}>
      <Title order={1} size="h2">
        {t('publishing.approvals.title')}
      </Title>
      {!may(role, 'post.approve') ? <Text c="dimmed">{t('publishing.approvals.cannot', { role: t(`roles.${role}`) })}</Text> : null}
      <ErrorAlert error={inbox.error} />
      {inbox.data?.posts.length === 0 ? <Text c="dimmed">{t('publishing.approvals.empty')}</Text> : null}
      {inbox.data?.posts.map((post) => {
        const step = post.approval.step !== null ? post.approval.steps[post.approval.step] : undefined;
        const due = post.variants.find((v) => v.dueAt)?.dueAt;
        return (
          <Card key={post.id} withBorder radius="md" padding="lg" component="article" aria-label={post.title || t('publishing.post.untitled')} data-testid="approval-item">
            <Stack gap="sm">
              <Group justify="space-between">
                <RouterAnchor to="/w/$wid/posts/$id" params={{ wid: workspace.id, id: post.id }} fw={600}>
                  {post.title || t('publishing.post.untitled')}
                </RouterAnchor>
                {step ? <Badge variant="light">{step.name}</Badge> : null}
              </Group>
              <Text size="xs" c="dimmed">
                {t('publishing.approvals.submittedBy', { name: post.author?.name ?? '—', time: dates.dateTime(post.approval.submittedAt ?? post.updatedAt) })}
                {due ? ` · ${t('publishing.post.plannedAt', { time: dates.dateTime(due) })}` : ''}
              </Text>
              {post.variants.map((v) => (
                <Stack key={v.id} gap={2}>
                  <Group gap="xs">
                    <NetworkBadge network={v.network === 'bluesky' ? 'bluesky' : 'mastodon'} />
                    <Text size="sm" fw={500}>
                      @{v.channelHandle}
                    </Text>
                  </Group>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {v.text}
                  </Text>
                </Stack>
              ))}
              <DecisionForm post={post} />
            </Stack>
          </Card>
        );
      })}
    </Stack>
  );
}
