import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { inboxApi, inboxKeys } from '../inbox/api/index.ts';

/**
 * The CRM webhook (managers): where "Send to the CRM" posts a contact, signed with a secret shown once
 * when the address is saved (the same scheme as the relay webhooks, docs/inbox.md "Contacts").
 */
export function CrmWebhookCard({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const settings = useQuery({ queryKey: inboxKeys.guard(wid), queryFn: () => inboxApi.guard(wid) });
  const current = settings.data?.crmWebhookUrl ?? null;
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  useEffect(() => setUrl(current ?? ''), [current]);
  const save = useMutation({
    mutationFn: (next: string | null) => inboxApi.setCrmWebhook(wid, next),
    onSuccess: (answer) => {
      setSecret(answer.secret);
      void client.invalidateQueries({ queryKey: inboxKeys.guard(wid) });
    },
  });
  return (
    <Paper withBorder p="md" bg="white" component="section" aria-label={t('inbox.contacts.crmTitle')}>
      <Stack gap="xs">
        <Title order={2} size="h4">{t('inbox.contacts.crmTitle')}</Title>
        <Text size="sm" c="dimmed">{t('inbox.contacts.crmIntro')}</Text>
        {secret ? (
          <Alert color="teal" title={t('inbox.contacts.crmSecretTitle')} withCloseButton onClose={() => setSecret(null)}>
            <Text size="sm" mb={4}>{t('inbox.contacts.crmSecretBody')}</Text>
            <CopyField value={secret} label={t('inbox.contacts.crmSecret')} testId="crm-secret" />
          </Alert>
        ) : null}
        <Group align="flex-end">
          <TextInput label={t('inbox.contacts.crmUrl')} placeholder="https://crm.example.com/hooks/passerelle" value={url} onChange={(e) => setUrl(e.currentTarget.value)} w={420} />
          <Button onClick={() => save.mutate(url.trim())} loading={save.isPending && save.variables !== null} disabled={url.trim() === '' || url.trim() === current}>
            {t('inbox.contacts.crmSave')}
          </Button>
          {current ? (
            <Button variant="subtle" color="red" onClick={() => save.mutate(null)} loading={save.isPending && save.variables === null}>
              {t('inbox.contacts.crmRemove')}
            </Button>
          ) : null}
        </Group>
        <ErrorAlert error={settings.error ?? save.error} />
      </Stack>
    </Paper>
  );
}
