import { ComingSoon } from '../../components/ComingSoon.tsx';

/** Compose: not built yet. */
export function ComposePage() {
  return <ComingSoon area="compose" />;
}
