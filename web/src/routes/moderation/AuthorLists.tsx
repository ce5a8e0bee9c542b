import { Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { inboxApi, inboxKeys } from '../inbox/api/index.ts';
import { useInvalidatingMutation } from '../inbox/settings-list/useSettingsList.ts';

/** Block and allow lists of authors, used by the `author_list` condition. */
export function AuthorLists({ wid }: { wid: string }) {
  const { t } = useTranslation();
  const authors = useQuery({ queryKey: inboxKeys.authors(wid), queryFn: () => inboxApi.authors(wid) });
  const [list, setList] = useState<'block' | 'allow'>('block');
  const [network, setNetwork] = useState('mastodon');
  const [author, setAuthor] = useState('');
  const add = useInvalidatingMutation(() => inboxApi.addAuthor(wid, { list, network, author: author.trim() }), inboxKeys.authors(wid), () => setAuthor(''));
  const remove = useInvalidatingMutation((id: string) => inboxApi.removeAuthor(wid, id), inboxKeys.authors(wid));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('inbox.moderation.authors')}
      </Title>
      <Stack gap={4}>
        {authors.data?.authors.map((a) => (
          <Group key={a.id} gap="sm">
            <Badge color={a.list === 'block' ? 'red' : 'teal'} variant="light">
              {a.list === 'block' ? t('inbox.moderation.blockList') : t('inbox.moderation.allowList')}
            </Badge>
            <Text size="sm">
              {a.network} · {a.author}
            </Text>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(a.id)}>
              {t('inbox.common.delete')}
            </Button>
          </Group>
        ))}
      </Stack>
      <Group mt="sm" align="flex-end" component="form" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
        <Select
          w={140}
          label={t('inbox.moderation.listName')}
          data={[
            { value: 'block', label: t('inbox.moderation.blockList') },
            { value: 'allow', label: t('inbox.moderation.allowList') },
          ]}
          value={list}
          onChange={(v) => v && setList(v as 'block' | 'allow')}
          allowDeselect={false}
        />
        <Select w={130} label={t('inbox.moderation.network')} data={['mastodon', 'bluesky']} value={network} onChange={(v) => v && setNetwork(v)} allowDeselect={false} />
        <TextInput label={t('inbox.moderation.authorId')} value={author} onChange={(e) => setAuthor(e.currentTarget.value)} />
        <Button type="submit" disabled={!author.trim()} loading={add.isPending}>
          {t('inbox.moderation.addAuthor')}
        </Button>
      </Group>
      <ErrorAlert error={add.error} />
    </Paper>
  );
}
