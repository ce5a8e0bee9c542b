import { ActionIcon, Alert, Button, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../../api/client.ts';
import { keys, queryClient } from '../../api/queries.ts';
import type { ApprovalStep } from '../../api/types.ts';
import { Section } from '../../components/Section.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { may, pubKeys, publishingApi } from './publishing-api.ts';

const MAX_STEPS = 10; // the API's limit (publishing.routes.ts)

/** Same key as the composer's read of the flow, so saving here refreshes it there. */
const flowKey = (wid: string) => [...pubKeys.all(wid), 'flow'] as const;

const saveFlow = (wid: string, steps: ApprovalStep[]) =>
  request<{ steps: ApprovalStep[] }>('PUT', `/api/workspaces/${encodeURIComponent(wid)}/approval-flow`, { steps });

/** Settings → Approvals: the steps a submitted post goes through, in order, and who decides each. */
export function ApprovalFlowSettings() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { workspace, role } = useCurrentWorkspace();
  const flow = useQuery({ queryKey: flowKey(workspace.id), queryFn: () => publishingApi.approvalFlow(workspace.id) });
  const members = useQuery({ queryKey: keys.members(workspace.id), queryFn: () => api.members(workspace.id) });
  const canEdit = may(role, 'workspace.update');
  const [steps, setSteps] = useState<ApprovalStep[]>([]);
  const [loaded, setLoaded] = useState(false);
  // Filled once from the server; later refetches must not wipe what is being edited.
  useEffect(() => {
    if (flow.data && !loaded) {
      setLoaded(true);
      setSteps(flow.data.steps);
    }
  }, [flow.data, loaded]);
  const save = useMutation({
    mutationFn: () => saveFlow(workspace.id, steps.map((s) => ({ name: s.name.trim(), approverIds: s.approverIds }))),
    onSuccess: (data) => {
      setSteps(data.steps);
      queryClient.setQueryData(flowKey(workspace.id), data);
      void queryClient.invalidateQueries({ queryKey: pubKeys.all(workspace.id) });
    },
  });

  const approvers = (members.data?.members ?? []).filter((m) => may(m.role, 'post.approve'));
  const options = (selected: string[]) => [
    ...approvers.map((m) => ({ value: m.user.id, label: `${m.user.name || m.user.email} (${t(`roles.${m.role}`)})` })),
    // A chosen approver who left or changed role still shows, so it can be removed.
    ...selected.filter((id) => !approvers.some((m) => m.user.id === id)).map((id) => ({ value: id, label: t('publishing.approvalFlow.unknownMember') })),
  ];
  const update = (i: number, patch: Partial<ApprovalStep>) => {
    save.reset();
    setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  };
  const move = (i: number, by: -1 | 1) => {
    save.reset();
    setSteps((all) => {
      const next = [...all];
      [next[i], next[i + by]] = [next[i + by]!, next[i]!];
      return next;
    });
  };
  const remove = (i: number) => {
    save.reset();
    setSteps((all) => all.filter((_, j) => j !== i));
  };
  const add = () => {
    save.reset();
    setSteps((all) => [...all, { name: '', approverIds: [] }]);
  };
  const invalid = steps.some((s) => s.name.trim() === '');

  const title = t('publishing.approvalFlow.title');
  const description = t('publishing.approvalFlow.description');
  if (!loaded) {
    return (
      <Section title={title} description={description}>
        {flow.error ? <Alert color="red">{errorText(flow.error)}</Alert> : <Text size="sm" c="dimmed">{t('common.loading')}</Text>}
      </Section>
    );
  }
  return (
    <Section title={title} description={description}>
      {!canEdit ? <Text size="sm" c="dimmed">{t('publishing.approvalFlow.readOnly')}</Text> : null}
      {members.error ? <Alert color="red">{errorText(members.error)}</Alert> : null}
      {steps.length === 0 ? (
        <Text size="sm" data-testid="approval-flow-default">
          {t('publishing.approvalFlow.default')}
        </Text>
      ) : (
        <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {steps.map((step, i) => (
            <Stack
              key={i}
              component="li"
              gap={6}
              p="sm"
              style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
              data-testid={`approval-step-${i}`}
              aria-label={t('publishing.approvalFlow.stepN', { n: i + 1 })}
            >
              <Group justify="space-between" align="flex-end" wrap="nowrap">
                <TextInput
                  label={t('publishing.approvalFlow.stepName', { n: i + 1 })}
                  placeholder={t('publishing.approvalFlow.stepNamePlaceholder')}
                  value={step.name}
                  onChange={(e) => update(i, { name: e.currentTarget.value })}
                  maxLength={100}
                  readOnly={!canEdit}
                  required
                  style={{ flex: 1 }}
                />
                {canEdit ? (
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon variant="default" size="lg" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('publishing.approvalFlow.moveUp', { n: i + 1 })}>
                      ↑
                    </ActionIcon>
                    <ActionIcon variant="default" size="lg" onClick={() => move(i, 1)} disabled={i === steps.length - 1} aria-label={t('publishing.approvalFlow.moveDown', { n: i + 1 })}>
                      ↓
                    </ActionIcon>
                    <Button variant="subtle" color="red" onClick={() => remove(i)} aria-label={t('publishing.approvalFlow.removeN', { n: i + 1 })}>
                      {t('publishing.approvalFlow.remove')}
                    </Button>
                  </Group>
                ) : null}
              </Group>
              <MultiSelect
                label={t('publishing.approvalFlow.approvers', { n: i + 1 })}
                description={t('publishing.approvalFlow.approversHelp')}
                placeholder={step.approverIds.length === 0 ? t('publishing.approvalFlow.anyone') : undefined}
                data={options(step.approverIds)}
                value={step.approverIds}
                onChange={(approverIds) => update(i, { approverIds })}
                searchable
                clearable={canEdit}
                readOnly={!canEdit}
                maxValues={50}
                nothingFoundMessage={t('publishing.approvalFlow.noApprovers')}
              />
            </Stack>
          ))}
        </Stack>
      )}
      {save.error ? <Alert color="red">{errorText(save.error)}</Alert> : null}
      {canEdit ? (
        <Group justify="space-between" gap="sm">
          <Button variant="default" onClick={add} disabled={steps.length >= MAX_STEPS}>
            {t('publishing.approvalFlow.add')}
          </Button>
          <Group gap="sm">
            {save.isSuccess ? <Text size="sm" c="teal">{t('common.saved')}</Text> : null}
            {invalid ? <Text size="sm" c="dimmed">{t('publishing.approvalFlow.nameRequired')}</Text> : null}
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={invalid}>
              {t('publishing.approvalFlow.save')}
            </Button>
          </Group>
        </Group>
      ) : null}
    </Section>
  );
}
