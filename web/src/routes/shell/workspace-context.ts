import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../../api/types.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';

/** The workspace open in the shell, with the signed-in user's role in it. */
export const WorkspaceContext = createContext<Membership | null>(null);

/** The open workspace and role; only valid under the shell. */
export function useCurrentWorkspace(): Membership {
  const membership = useContext(WorkspaceContext);
  if (!membership) throw new Error('useCurrentWorkspace() used outside the workspace shell');
  return membership;
}

/** Date formatters in the open workspace's time zone and the UI language. */
export function useWorkspaceDates() {
  const { workspace } = useCurrentWorkspace();
  const { i18n } = useTranslation();
  const locale = i18n.language === 'fr' ? 'fr' : 'en';
  return {
    timeZone: workspace.timezone,
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, locale, workspace.timezone),
    date: (iso: string | null | undefined) => formatDate(iso, locale, workspace.timezone),
  };
}
