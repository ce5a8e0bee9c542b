import { Group, Text } from '@mantine/core';

/** The Passerelle word mark: a small bridge drawn in SVG and the name. */
export function Logo({ size = 'lg' }: { size?: 'md' | 'lg' }) {
  const px = size === 'lg' ? 28 : 22;
  return (
    <Group gap={8} wrap="nowrap">
      <svg width={px} height={px} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="var(--mantine-color-indigo-6)" />
        <path d="M5 21 Q16 8 27 21" stroke="white" strokeWidth="2.5" fill="none" strokeLinecap="round" />
        <path d="M4 21 H28" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
        <path d="M10 21 V16 M16 21 V13.5 M22 21 V16" stroke="white" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <Text fw={700} size={size === 'lg' ? 'xl' : 'lg'}>
        Passerelle
      </Text>
    </Group>
  );
}
