import { Avatar, Box, Group, Image, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PreviewSegment, VariantCheck } from '../../api/types.ts';
import { useCurrentWorkspace } from '../shell/workspace-context.ts';
import { publishingApi } from './publishing-api.ts';

// What each network's post looks like, close enough for the eye: Bluesky's blue links on white with a
// round avatar; Mastodon's purple accents, a content-warning bar and `@user@instance` handles.
const STYLE = {
  bluesky: { accent: '#1083fe', border: '#d4dbe2', name: '#0b0f14', muted: '#6f869f', bg: '#ffffff' },
  mastodon: { accent: '#6364ff', border: '#c0cdd9', name: '#282c37', muted: '#606984', bg: '#ffffff' },
} as const;

function Segments({ segments, accent }: { segments: PreviewSegment[]; accent: string }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {segments.map((s, i) =>
        s.type === 'text' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <span key={i} style={{ color: accent }}>
            {s.text}
          </span>
        ),
      )}
    </Text>
  );
}

/** The variant as its network would show it: one card per part of the thread (and the first comment). */
export function NetworkPreview({ check }: { check: VariantCheck }) {
  const { t } = useTranslation();
  const { workspace } = useCurrentWorkspace();
  const network = check.network === 'bluesky' ? 'bluesky' : 'mastodon';
  const style = STYLE[network];
  const p = check.preview;
  const name = p.displayName || p.handle;
  return (
    <Stack gap={0} data-testid={`preview-${network}`} aria-label={t('publishing.compose.previewOf', { handle: p.handle })} role="figure">
      {p.parts.map((part, index) => (
        <Box
          key={index}
          p="sm"
          style={{
            background: style.bg,
            border: `1px solid ${style.border}`,
            borderTop: index > 0 ? 'none' : undefined,
            borderRadius: index === 0 ? '8px 8px 0 0' : index === p.parts.length - 1 ? '0 0 8px 8px' : 0,
            ...(p.parts.length === 1 ? { borderRadius: 8 } : {}),
          }}
        >
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Avatar radius={network === 'bluesky' ? 'xl' : 'sm'} size={40} color={network === 'bluesky' ? 'blue' : 'violet'}>
              {name.slice(0, 1).toUpperCase()}
            </Avatar>
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm" fw={700} c={style.name} truncate>
                  {name}
                </Text>
                <Text size="xs" c={style.muted} truncate>
                  @{p.handle}
                </Text>
              </Group>
              {network === 'mastodon' && p.contentWarning && index === 0 ? (
                <Box px="xs" py={4} style={{ background: '#d9e1e8', borderRadius: 4 }}>
                  <Text size="sm" fw={600}>
                    {p.contentWarning}
                  </Text>
                  <Text size="xs" c={style.accent}>
                    {t('publishing.compose.showMore')}
                  </Text>
                </Box>
              ) : null}
              <Segments segments={part.segments} accent={style.accent} />
              {part.media.length > 0 ? (
                <Group gap={4} grow>
                  {part.media.map((m) =>
                    m.mimeType.startsWith('image/') ? (
                      <Image key={m.assetId} src={publishingApi.mediaUrl(workspace.id, m.assetId)} alt={m.altText} h={120} fit="cover" radius={network === 'bluesky' ? 'md' : 'sm'} />
                    ) : (
                      <Box key={m.assetId} h={120} bg="dark.6" style={{ borderRadius: 6, display: 'grid', placeItems: 'center' }}>
                        <Text c="white" size="xs">
                          {t('publishing.media.video')}
                        </Text>
                      </Box>
                    ),
                  )}
                </Group>
              ) : null}
              <Group gap="lg" mt={4}>
                {(network === 'bluesky' ? ['↩', '⟲', '♡'] : ['↩', '⇄', '★']).map((icon) => (
                  <Text key={icon} size="xs" c={style.muted} aria-hidden="true">
                    {icon}
                  </Text>
                ))}
              </Group>
            </Stack>
          </Group>
        </Box>
      ))}
    </Stack>
  );
}
