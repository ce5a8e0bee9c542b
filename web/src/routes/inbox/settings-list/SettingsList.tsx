import { Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import type { CSSProperties, FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';

/*
 * The pieces every inbox-area settings list shares (SLA policies, relay routes and items, saved replies,
 * moderation rules and log): a titled card with its list and editor, a table, the Edit/Delete cell, and
 * the editor form with Cancel/Save. Hooks are in useSettingsList.ts.
 */

/** The "New …" button of a list's header. */
export function NewButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button size="xs" onClick={onClick}>
      {label}
    </Button>
  );
}

/** A settings card: title (and an action on its right), intro, error, the "none yet" text, the list, then the editor. */
export function SettingsListCard({
  title,
  action,
  intro,
  notice,
  error,
  empty,
  emptyText,
  children,
  editor,
}: {
  title: string;
  action?: ReactNode;
  intro?: ReactNode;
  /** Shown between the intro and the error, e.g. a one-time secret. */
  notice?: ReactNode;
  error: unknown;
  /** When true, `emptyText` is shown (the list is loaded and has nothing). */
  empty: boolean;
  emptyText: string;
  children: ReactNode;
  editor?: ReactNode;
}) {
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {action}
      </Group>
      {intro ? (
        <Text size="sm" c="dimmed" mb="sm">
          {intro}
        </Text>
      ) : null}
      {notice}
      <ErrorAlert error={error} />
      {empty ? <Text size="sm">{emptyText}</Text> : null}
      {children}
      {editor}
    </Paper>
  );
}

/** One column of a SettingsTable: its header and how a row shows in it. */
export interface SettingsColumn<T> {
  label: string;
  cell: (row: T) => ReactNode;
}

/** Edit and Delete in a SettingsTable's last column; the column stays (empty) when the role cannot edit. */
export interface EditDelete<T> {
  editable: boolean;
  onEdit: (row: T) => void;
  onDelete: (row: T) => void;
  deleteQuestion: (row: T) => string;
}

/**
 * A table of items, nothing when there are none. The last, unlabelled column holds `actions`, or the
 * Edit/Delete buttons of `editDelete`.
 */
export function SettingsTable<T extends { id: string }>({
  rows,
  columns,
  actions: customActions,
  editDelete,
  rowStyle,
  testId,
}: {
  rows: T[];
  columns: SettingsColumn<T>[];
  actions?: (row: T) => ReactNode;
  editDelete?: EditDelete<T>;
  rowStyle?: (row: T) => CSSProperties;
  testId?: string;
}) {
  if (rows.length === 0) return null;
  const actions =
    customActions ??
    (editDelete
      ? (row: T) =>
          editDelete.editable ? (
            <EditDeleteButtons onEdit={() => editDelete.onEdit(row)} deleteQuestion={editDelete.deleteQuestion(row)} onDelete={() => editDelete.onDelete(row)} />
          ) : null
      : undefined);
  return (
    <Table data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c, i) => (
            <Table.Th key={i}>{c.label}</Table.Th>
          ))}
          {actions ? <Table.Th /> : null}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.id} style={rowStyle?.(row)}>
            {columns.map((c, i) => (
              <Table.Td key={i}>{c.cell(row)}</Table.Td>
            ))}
            {actions ? <Table.Td>{actions(row)}</Table.Td> : null}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Edit and Delete (with "are you sure?") for one item; `children` come first, e.g. an on/off switch. */
export function EditDeleteButtons({
  onEdit,
  deleteQuestion,
  onDelete,
  gap = 4,
  justify = 'flex-end',
  children,
}: {
  onEdit: () => void;
  deleteQuestion: string;
  onDelete: () => void;
  gap?: number | 'xs';
  justify?: 'flex-end' | 'flex-start';
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={gap} wrap="nowrap" justify={justify}>
      {children}
      <Button size="compact-sm" variant="subtle" onClick={onEdit}>
        {t('inbox.common.edit')}
      </Button>
      <ConfirmButton label={t('inbox.common.delete')} question={deleteQuestion} onConfirm={onDelete} />
    </Group>
  );
}

/** A segmented control with its label above (Mantine's has none) and optional help below. */
export function LabelledSegmentedControl<V extends string>({
  id,
  label,
  value,
  onChange,
  data,
  disabled,
  children,
}: {
  id: string;
  label: string;
  value: V;
  onChange: (value: V) => void;
  data: { value: V; label: string }[];
  disabled?: boolean;
  children?: ReactNode;
}) {
  return (
    <div>
      <Text size="sm" fw={500} mb={4} id={id}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} disabled={disabled} value={value} onChange={(v) => onChange(v as V)} data={data} />
      {children}
    </div>
  );
}

/** The editor under a list: its fields, the save error, Cancel, optional extra buttons, and Save (submit). */
export function SettingsForm({
  onSubmit,
  onCancel,
  error,
  saving,
  canSave,
  extraButtons,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  error: unknown;
  saving: boolean;
  canSave: boolean;
  extraButtons?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <Paper withBorder p="sm" mt="md" bg="gray.0" component="form" onSubmit={submit}>
      <Stack gap="xs">
        {children}
        <ErrorAlert error={error} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          {extraButtons}
          <Button type="submit" loading={saving} disabled={!canSave}>
            {t('inbox.common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
