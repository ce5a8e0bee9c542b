// The inbox, contacts, moderation and relay contract (src/modules/{inbox,moderation,relay}/*.schema.ts, docs/inbox.md),
// one file per area; everything is re-exported here, and inboxApi gathers every call of these screens.
import { collaborationApi } from './collaboration.ts';
import { contactsApi } from './contacts.ts';
import { conversationsApi } from './conversations.ts';
import { moderationApi } from './moderation.ts';
import { relayApi } from './relay.ts';
import { repliesApi } from './replies.ts';
import { reportApi } from './report.ts';
import { slaApi } from './sla.ts';

export * from './collaboration.ts';
export * from './contacts.ts';
export * from './conversations.ts';
export * from './keys.ts';
export * from './moderation.ts';
export * from './permissions.ts';
export * from './relay.ts';
export * from './replies.ts';
export * from './report.ts';
export * from './sla.ts';

/** Every call of the inbox, contacts, moderation and relay screens. */
export const inboxApi = {
  ...conversationsApi,
  ...collaborationApi,
  ...repliesApi,
  ...moderationApi,
  ...relayApi,
  ...slaApi,
  ...contactsApi,
  ...reportApi,
};
