import { Button, Group, Popover, Text } from '@mantine/core';
import type { ButtonProps } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A button that asks "are you sure?" in a small popover before running a destructive action. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, loading, ...buttonProps }: ButtonProps & {
  label: string;
  question: string;
  confirmLabel?: string;
  onConfirm: () => void;
  'aria-label'?: string;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" shadow="md" trapFocus withArrow>
      <Popover.Target>
        <Button
          size="compact-sm"
          variant="subtle"
          color="red"
          loading={loading}
          onClick={() => setOpened((o) => !o)}
          {...buttonProps}
        >
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={300}>
        <Text size="sm">{question}</Text>
        <Group justify="flex-end" mt="sm" gap="xs">
          <Button size="compact-sm" variant="default" onClick={() => setOpened(false)}>
            {t('common.cancel')}
          </Button>
          <Button
            size="compact-sm"
            color="red"
            onClick={() => {
              setOpened(false);
              onConfirm();
            }}
          >
            {confirmLabel ?? label}
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
