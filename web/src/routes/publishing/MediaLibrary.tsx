import { Box, Button, Card, FileInput, Group, Image, Modal, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries.ts';
import type { MediaAsset } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { may, pubKeys, publishingApi, readAsBase64, useMediaLibrary } from './publishing-api.ts';

function Thumb({ asset, h = 110 }: { asset: MediaAsset; h?: number }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  if (asset.kind === 'video') {
    return (
      <Box h={h} bg="dark.6" style={{ display: 'grid', placeItems: 'center', borderRadius: 6 }}>
        <Text c="white" size="xs">
          {t('publishing.media.video')} · {asset.filename}
        </Text>
      </Box>
    );
  }
  return <Image src={publishingApi.mediaUrl(workspace.id, asset.id)} alt={asset.altText} h={h} fit="cover" radius="sm" />;
}

/** Upload one image or video with its alt text into the library. */
function UploadForm({ onUploaded }: { onUploaded?: (asset: MediaAsset) => void }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const [file, setFile] = useState<File | null>(null);
  const [altText, setAltText] = useState('');
  const upload = useMutation({
    mutationFn: async () =>
      publishingApi.upload(workspace.id, { dataBase64: await readAsBase64(file!), filename: file!.name, altText: altText.trim(), ...(file!.type ? { mimeType: file!.type } : {}) }),
    onSuccess: ({ media }) => {
      setFile(null);
      setAltText('');
      void queryClient.invalidateQueries({ queryKey: pubKeys.media(workspace.id) });
      onUploaded?.(media);
    },
  });
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="sm">
        <FileInput
          label={t('publishing.media.file')}
          placeholder={t('publishing.media.choose')}
          accept="image/png,image/jpeg,image/gif,image/webp,image/avif,video/mp4,video/quicktime,video/webm"
          value={file}
          onChange={setFile}
          w={240}
          clearable
        />
        <TextInput
          label={t('publishing.media.altText')}
          description={t('publishing.media.altTextHelp')}
          value={altText}
          onChange={(e) => setAltText(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 220 }}
        />
        <Button onClick={() => upload.mutate()} disabled={!file} loading={upload.isPending}>
          {t('publishing.media.upload')}
        </Button>
      </Group>
      <ErrorAlert error={upload.error} />
    </Stack>
  );
}

/** A modal to pick an asset from the library, or upload one (it is picked at once). */
export function MediaPicker({ opened, onClose, onPick }: { opened: boolean; onClose: () => void; onPick: (asset: MediaAsset) => void }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const library = useMediaLibrary(workspace.id);
  const pick = (asset: MediaAsset) => {
    onPick(asset);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('publishing.media.pickTitle')} size="xl">
      <Stack>
        <UploadForm onUploaded={pick} />
        <ErrorAlert error={library.error} />
        {library.data?.media.length === 0 ? <Text c="dimmed" size="sm">{t('publishing.media.empty')}</Text> : null}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          {library.data?.media.map((asset) => (
            <Card key={asset.id} withBorder padding="xs">
              <Thumb asset={asset} h={90} />
              <Text size="xs" truncate mt={4}>
                {asset.filename}
              </Text>
              <Text size="xs" c={asset.altText ? 'dimmed' : 'orange'} lineClamp={2}>
                {asset.altText || t('publishing.media.noAlt')}
              </Text>
              <Button size="compact-xs" mt={4} onClick={() => pick(asset)} aria-label={t('publishing.media.useWhich', { name: asset.filename })}>
                {t('publishing.media.use')}
              </Button>
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </Modal>
  );
}

function AssetCard({ asset }: { asset: MediaAsset }) {
  const { t, i18n } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const [altText, setAltText] = useState(asset.altText);
  const refresh = () => queryClient.invalidateQueries({ queryKey: pubKeys.media(workspace.id) });
  const save = useMutation({ mutationFn: () => publishingApi.updateMedia(workspace.id, asset.id, { altText }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => publishingApi.deleteMedia(workspace.id, asset.id), onSuccess: refresh });
  const size = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(asset.sizeBytes / 1000);
  const canEdit = may(role, 'post.draft');
  return (
    <Card withBorder padding="sm" data-testid="media-asset">
      <Thumb asset={asset} />
      <Text size="sm" fw={600} truncate mt="xs">
        {asset.filename}
      </Text>
      <Text size="xs" c="dimmed">
        {asset.mimeType} · {size} kB · {dates.date(asset.createdAt)}
      </Text>
      <TextInput
        size="xs"
        mt="xs"
        label={t('publishing.media.altTextOf', { name: asset.filename })}
        value={altText}
        onChange={(e) => setAltText(e.currentTarget.value)}
        readOnly={!canEdit}
      />
      {canEdit ? (
        <Group justify="space-between" mt="xs" gap="xs">
          <Button size="compact-xs" variant="light" disabled={altText === asset.altText} loading={save.isPending} onClick={() => save.mutate()}>
            {t('common.save')}
          </Button>
          <ConfirmButton label={t('publishing.media.delete')} question={t('publishing.media.deleteConfirm')} onConfirm={() => remove.mutate()} loading={remove.isPending} size="compact-xs" />
        </Group>
      ) : null}
      <ErrorAlert error={save.error ?? remove.error} />
    </Card>
  );
}

/** The media library: every image and video of the workspace, reusable across posts, with alt text. */
export function MediaLibraryPage() {
  const { t } = useTranslation();
  const { workspace, role } = useCurrentWorkspace();
  const library = useMediaLibrary(workspace.id);
  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('publishing.media.title')}
      </Title>
      {may(role, 'post.draft') ? (
        <Section title={t('publishing.media.uploadTitle')} description={t('publishing.media.uploadHelp')}>
          <UploadForm />
        </Section>
      ) : null}
      <ErrorAlert error={library.error} />
      {library.data?.media.length === 0 ? <Text c="dimmed">{t('publishing.media.empty')}</Text> : null}
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="md">
        {library.data?.media.map((asset) => <AssetCard key={asset.id} asset={asset} />)}
      </SimpleGrid>
    </Stack>
  );
}
