import { ComingSoon } from '../../components/ComingSoon.tsx';

/** Analytics: not built yet. */
export function AnalyticsPage() {
  return <ComingSoon area="analytics" />;
}
