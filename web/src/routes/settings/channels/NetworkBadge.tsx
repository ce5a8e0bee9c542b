import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { NetworkId } from '../../../api/types.ts';

function NetworkIcon({ network }: { network: NetworkId }) {
  // Simple marks drawn inline (no icon package): a butterfly for Bluesky, a speech bubble for Mastodon, a map pin for Google Business Profile.
  return (
    <svg width={12} height={12} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
      {network === 'google-business' ? (
        <path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />
      ) : network === 'bluesky' ? (
        <path d="M12 11c-1.5-3-5.5-8-8.5-8C2 3 2 5 2 6.5c0 1.5 1 5.5 3 6.2 2.2.7 4.2-.2 4.2-.2s-4.7 1.3-3 4.6C8 21 11 18 12 14.5 13 18 16 21 17.8 17.1c1.7-3.3-3-4.6-3-4.6s2 .9 4.2.2c2-.7 3-4.7 3-6.2C22 5 22 3 20.5 3 17.5 3 13.5 8 12 11z" />
      ) : (
        <path d="M21 8.5C21 4.4 18 3 18 3 16.5 2.3 14 2 12 2h-.1c-2 0-4.4.3-5.9 1 0 0-3 1.4-3 5.5 0 1 0 2.1.1 3.3.3 4.2 2.3 8.3 7.3 8.8 1.6.2 3.1 0 4.3-.4l.6-.2-.1-1.8s-1.6.5-3.4.4c-1.8-.1-3.6-.2-3.9-2.4v-.6s1.7.4 3.9.5c1.3.1 2.6 0 3.9-.2 2.4-.3 4.5-1.8 4.8-3.2.4-2.2.4-5.3.4-5.3z" />
      )}
    </svg>
  );
}

/** The network of a channel as a small labelled badge. */
export function NetworkBadge({ network }: { network: NetworkId }) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      color={network === 'bluesky' ? 'blue' : network === 'google-business' ? 'green' : 'violet'}
      leftSection={<NetworkIcon network={network} />}
      style={{ textTransform: 'none' }}
      data-testid="channel-network"
    >
      {t(`channels.networks.${network}`)}
    </Badge>
  );
}
