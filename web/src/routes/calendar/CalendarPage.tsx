import { ComingSoon } from '../../components/ComingSoon.tsx';

/** Calendar: not built yet. */
export function CalendarPage() {
  return <ComingSoon area="calendar" />;
}
