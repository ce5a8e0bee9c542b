import { PasswordInput } from '@mantine/core';
import type { PasswordInputProps } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A field for choosing a password (set-up, invitation, profile, reset): the password rules under it,
 * `autocomplete="new-password"` so password managers offer to generate and save one, Mantine's show/hide.
 */
export function NewPasswordInput({
  label,
  value,
  onChange,
  ...props
}: Omit<PasswordInputProps, 'value' | 'onChange'> & { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      label={label ?? t('fields.password')}
      description={t('fields.passwordHelp')}
      autoComplete="new-password"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      required
      {...props}
    />
  );
}

/** State of a new password typed twice; `matches()` (call on submit) shows the mismatch error when they differ. */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  return {
    password,
    setPassword,
    confirm,
    setConfirm,
    mismatch,
    matches(): boolean {
      const differs = password !== confirm;
      setMismatch(differs);
      return !differs;
    },
    clear() {
      setPassword('');
      setConfirm('');
    },
  };
}

/** The new password and its confirmation, from `useNewPassword()`; `error` is the server's error for the new one. */
export function NewPasswordWithConfirmation({
  state,
  label,
  confirmLabel,
  error,
  mt,
  autoFocus,
}: {
  state: ReturnType<typeof useNewPassword>;
  label: string;
  confirmLabel: string;
  error?: string | undefined;
  mt?: PasswordInputProps['mt'];
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <NewPasswordInput label={label} value={state.password} onChange={state.setPassword} error={error} mt={mt} autoFocus={autoFocus} />
      <PasswordInput
        label={confirmLabel}
        autoComplete="new-password"
        value={state.confirm}
        onChange={(e) => state.setConfirm(e.currentTarget.value)}
        error={state.mismatch ? t('reset.mismatch') : undefined}
        required
        mt={mt}
      />
    </>
  );
}
