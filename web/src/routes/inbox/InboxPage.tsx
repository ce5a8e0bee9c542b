import { ComingSoon } from '../../components/ComingSoon.tsx';

/** Inbox: not built yet. */
export function InboxPage() {
  return <ComingSoon area="inbox" />;
}
