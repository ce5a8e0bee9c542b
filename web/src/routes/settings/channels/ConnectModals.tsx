import { Anchor, Button, Collapse, Group, Modal, PasswordInput, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../../api/queries.ts';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi, channelsKey } from './channels-api.ts';

/** Connect (or reconnect) a Bluesky account with its handle and an app password; PDS configurable. */
export function ConnectBlueskyModal({ opened, onClose, initial }: {
  opened: boolean;
  onClose: () => void;
  initial?: { handle: string; pdsUrl: string | null } | undefined;
}) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [handle, setHandle] = useState(initial?.handle ?? '');
  const [appPassword, setAppPassword] = useState('');
  const [advanced, setAdvanced] = useState(Boolean(initial?.pdsUrl && !initial.pdsUrl.includes('bsky.social')));
  const [pdsUrl, setPdsUrl] = useState(initial?.pdsUrl ?? '');
  const connect = useMutation({
    mutationFn: () =>
      channelsApi.connectBluesky(workspace.id, {
        handle: handle.trim().replace(/^@/, ''),
        appPassword: appPassword.trim(),
        ...(pdsUrl.trim() ? { pdsUrl: pdsUrl.trim() } : {}),
      }),
    onSuccess: ({ channel }) => {
      toasts.show({ color: 'teal', message: t('channels.connected', { handle: channel.handle }) });
      setAppPassword('');
      onClose();
      return queryClient.invalidateQueries({ queryKey: channelsKey(workspace.id) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('channels.bluesky.title')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ChannelErrorAlert error={connect.error} />
          <TextInput
            label={t('channels.bluesky.handle')}
            description={t('channels.bluesky.handleHelp')}
            placeholder="alice.bsky.social"
            value={handle}
            onChange={(e) => setHandle(e.currentTarget.value)}
            required
            data-autofocus
            autoComplete="off"
          />
          <PasswordInput
            label={t('channels.bluesky.appPassword')}
            description={
              <>
                {t('channels.bluesky.appPasswordHelp')} <AppPasswordLink />
              </>
            }
            placeholder="xxxx-xxxx-xxxx-xxxx"
            value={appPassword}
            onChange={(e) => setAppPassword(e.currentTarget.value)}
            required
            autoComplete="off"
          />
          <UnstyledButton
            onClick={() => setAdvanced((o) => !o)}
            aria-expanded={advanced}
            style={{ alignSelf: 'flex-start' }}
          >
            <Text size="sm" c="blue">
              {advanced ? '▾ ' : '▸ '}
              {t('channels.bluesky.advanced')}
            </Text>
          </UnstyledButton>
          <Collapse expanded={advanced}>
            <TextInput
              label={t('channels.bluesky.pdsUrl')}
              description={t('channels.bluesky.pdsUrlHelp')}
              placeholder="https://bsky.social"
              value={pdsUrl}
              onChange={(e) => setPdsUrl(e.currentTarget.value)}
            />
          </Collapse>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={connect.isPending}>
              {t('channels.bluesky.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Connect (or reconnect) a Mastodon account: the server registers Passerelle on the instance and
 * answers the instance's authorization address; the browser goes there and comes back to this page.
 */
export function ConnectMastodonModal({ opened, onClose, initial }: {
  opened: boolean;
  onClose: () => void;
  initial?: string | null | undefined;
}) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [instanceUrl, setInstanceUrl] = useState(initial ?? '');
  const authorize = useMutation({
    mutationFn: () => {
      const value = instanceUrl.trim();
      return channelsApi.authorizeMastodon(workspace.id, /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`);
    },
    onSuccess: ({ authorizeUrl }) => {
      // Only ever leave for an http(s) address (the instance's authorization page).
      const target = new URL(authorizeUrl);
      if (target.protocol === 'https:' || target.protocol === 'http:') window.location.assign(target.toString());
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    authorize.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('channels.mastodon.title')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ChannelErrorAlert error={authorize.error} />
          <TextInput
            label={t('channels.mastodon.instanceUrl')}
            description={t('channels.mastodon.instanceUrlHelp')}
            placeholder="https://mastodon.social"
            value={instanceUrl}
            onChange={(e) => setInstanceUrl(e.currentTarget.value)}
            required
            data-autofocus
            autoComplete="url"
          />
          <Text size="sm" c="dimmed">
            {t('channels.mastodon.explain')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={authorize.isPending || authorize.isSuccess}>
              {t('channels.mastodon.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Where Bluesky explains app passwords (shown in the help text). */
export function AppPasswordLink() {
  const { t } = useTranslation();
  return (
    <Anchor href="https://bsky.app/settings/app-passwords" target="_blank" rel="noopener noreferrer" size="sm">
      {t('channels.bluesky.appPasswordLink')}
    </Anchor>
  );
}
