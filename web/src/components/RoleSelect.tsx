import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types.ts';

/** Picks a role among `roles`, with translated names. */
export function RoleSelect(props: {
  label: string;
  value: Role;
  roles: Role[];
  onChange: (role: Role) => void;
  disabled?: boolean;
  hideLabel?: boolean;
  error?: string;
}) {
  const { t } = useTranslation();
  const data = (props.roles.includes(props.value) ? props.roles : [props.value, ...props.roles]).map((role) => ({
    value: role,
    label: t(`roles.${role}`),
  }));
  return (
    <Select
      label={props.hideLabel ? undefined : props.label}
      aria-label={props.hideLabel ? props.label : undefined}
      data={data}
      value={props.value}
      onChange={(value) => value && props.onChange(value as Role)}
      allowDeselect={false}
      disabled={props.disabled}
      error={props.error}
      w={props.hideLabel ? 170 : undefined}
      size={props.hideLabel ? 'xs' : 'sm'}
    />
  );
}
