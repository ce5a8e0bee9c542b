import type { Filters } from './conversations.ts';

/** Query keys; the shell's event stream invalidates `inboxKeys.all(wid)` on inbox events. */
export const inboxKeys = {
  all: (wid: string) => ['workspace', wid, 'inbox'] as const,
  list: (wid: string, filters: Filters) => ['workspace', wid, 'inbox', 'list', filters] as const,
  counts: (wid: string, filters: Filters) => ['workspace', wid, 'inbox', 'counts', filters] as const,
  conversation: (wid: string, id: string) => ['workspace', wid, 'inbox', 'conversation', id] as const,
  savedReplies: (wid: string) => ['workspace', wid, 'inbox', 'saved-replies'] as const,
  views: (wid: string) => ['workspace', wid, 'inbox', 'views'] as const,
  guard: (wid: string) => ['workspace', wid, 'inbox', 'guard'] as const,
  policies: (wid: string) => ['workspace', wid, 'inbox', 'sla-policies'] as const,
  calendar: (wid: string) => ['workspace', wid, 'inbox', 'calendar'] as const,
  contacts: (wid: string) => ['workspace', wid, 'inbox', 'contacts'] as const,
  contact: (wid: string, id: string) => ['workspace', wid, 'inbox', 'contacts', id] as const,
  rules: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'rules'] as const,
  actions: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'actions'] as const,
  authors: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'authors'] as const,
  relayRoutes: (wid: string) => ['workspace', wid, 'inbox', 'relay', 'routes'] as const,
  relayItems: (wid: string) => ['workspace', wid, 'inbox', 'relay', 'items'] as const,
};
