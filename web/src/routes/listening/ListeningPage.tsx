import { ComingSoon } from '../../components/ComingSoon.tsx';

/** Listening: not built yet. */
export function ListeningPage() {
  return <ComingSoon area="listening" />;
}
