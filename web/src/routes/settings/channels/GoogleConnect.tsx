import { Alert, Anchor, Button, Checkbox, Code, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../../api/queries.ts';
import { useCurrentWorkspace } from '../../shell/workspace-context.ts';
import { ChannelErrorAlert } from './channel-errors.tsx';
import { channelsApi, channelsKey, safeUrl } from './channels-api.ts';

/**
 * Connect (or reconnect) Google Business Profile: when the administrator configured an OAuth client,
 * the browser goes to Google's consent page and comes back to Settings → Channels with a pending
 * connection (see {@link GoogleLocationsModal}); otherwise the modal says how to configure it.
 */
export function ConnectGoogleModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const status = useQuery({ queryKey: ['workspace', workspace.id, 'google-business'], queryFn: () => channelsApi.googleStatus(workspace.id), enabled: opened });
  const begin = useMutation({
    mutationFn: () => channelsApi.authorizeGoogle(workspace.id),
    onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('google.connect')} size="lg">
      <Stack gap="sm">
        <ChannelErrorAlert error={status.error ?? begin.error} />
        {status.isPending ? <Loader size="sm" aria-label={t('common.loading')} /> : null}
        {status.data && !status.data.configured ? (
          <Alert color="yellow" variant="light" title={t('google.notConfiguredTitle')} data-testid="google-not-configured">
            <Text size="sm">{t('google.notConfiguredBody')}</Text>
            <Code block my="xs">{status.data.redirectUri}</Code>
            <Text size="sm">{t('google.notConfiguredEnv')}</Text>
          </Alert>
        ) : null}
        {status.data?.configured ? (
          <>
            <Text size="sm">{t('google.pickHelp')}</Text>
            <Group justify="flex-end">
              <Button onClick={() => begin.mutate()} loading={begin.isPending || begin.isSuccess}>
                {begin.isSuccess ? t('google.redirecting') : t('google.connect')}
              </Button>
            </Group>
          </>
        ) : null}
      </Stack>
    </Modal>
  );
}

/** After Google's consent: the locations Google listed, to pick which become channels (one per location). */
export function GoogleLocationsModal({ connectionId, onClose }: { connectionId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [chosen, setChosen] = useState<string[]>([]);
  const pending = useQuery({
    queryKey: ['workspace', workspace.id, 'google-business', connectionId],
    queryFn: () => channelsApi.googleConnection(workspace.id, connectionId),
    retry: false,
  });
  const connect = useMutation({
    mutationFn: () => channelsApi.connectGoogleLocations(workspace.id, connectionId, chosen),
    onSuccess: ({ channels }) => {
      toasts.show({ color: 'teal', message: t('google.connected', { count: channels.length }) });
      onClose();
      return queryClient.invalidateQueries({ queryKey: channelsKey(workspace.id) });
    },
  });
  const locations = pending.data?.locations ?? [];
  const toggle = (name: string, on: boolean) => setChosen((all) => (on ? [...all, name] : all.filter((n) => n !== name)));
  return (
    <Modal opened onClose={onClose} title={t('google.pickTitle')} size="lg">
      <Stack gap="sm">
        {pending.isPending ? <Loader size="sm" aria-label={t('common.loading')} /> : null}
        {pending.error ? <Alert color="red" variant="light">{t('google.pickExpired')}</Alert> : null}
        <ChannelErrorAlert error={connect.error} />
        {pending.data ? <Text size="sm">{t('google.pickHelp')}</Text> : null}
        {pending.data && locations.length === 0 ? <Text size="sm" c="dimmed">{t('google.pickNone')}</Text> : null}
        {locations.map((l) => {
          const maps = safeUrl(l.mapsUri);
          return (
            <Checkbox
              key={l.name}
              checked={chosen.includes(l.name)}
              onChange={(e) => toggle(l.name, e.currentTarget.checked)}
              label={l.title}
              description={
                <>
                  {[l.address, l.accountName].filter(Boolean).join(' · ')}
                  {maps ? (
                    <>
                      {' · '}
                      <Anchor href={maps} target="_blank" rel="noopener noreferrer nofollow" size="xs">
                        Google Maps
                      </Anchor>
                    </>
                  ) : null}
                </>
              }
            />
          );
        })}
        <Group justify="flex-end">
          <Button onClick={() => connect.mutate()} disabled={chosen.length === 0} loading={connect.isPending}>
            {t('google.pickSubmit', { count: Math.max(chosen.length, 1) })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
