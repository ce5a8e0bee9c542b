import { Code, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}

/** Which top-level fields an audited change touched, before and after; full JSON below. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) {
    return (
      <Text size="sm" c="dimmed">
        {t('settings.audit.noDetails')}
      </Text>
    );
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  );
  const comparable = (isRecord(before) || !hasBefore) && (isRecord(after) || !hasAfter);
  return (
    <Stack gap="sm">
      {comparable && fields.length > 0 ? (
        <Table withTableBorder withColumnBorders fz="sm" aria-label={t('settings.audit.changes')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.audit.field')}</Table.Th>
              <Table.Th>{t('settings.audit.before')}</Table.Th>
              <Table.Th>{t('settings.audit.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((field) => (
              <Table.Tr key={field}>
                <Table.Td>
                  <Code>{field}</Code>
                </Table.Td>
                <Table.Td bg="var(--mantine-color-red-0)">
                  <Code block bg="transparent">
                    {show(b[field])}
                  </Code>
                </Table.Td>
                <Table.Td bg="var(--mantine-color-green-0)">
                  <Code block bg="transparent">
                    {show(a[field])}
                  </Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <div>
          <Text size="xs" fw={600} c="dimmed" mb={4}>
            {t('settings.audit.before')}
          </Text>
          <Code block>{hasBefore ? show(before) : '—'}</Code>
        </div>
        <div>
          <Text size="xs" fw={600} c="dimmed" mb={4}>
            {t('settings.audit.after')}
          </Text>
          <Code block>{hasAfter ? show(after) : '—'}</Code>
        </div>
      </SimpleGrid>
    </Stack>
  );
}
