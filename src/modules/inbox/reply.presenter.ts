import type { z } from 'zod';
import type { inboxReplies } from '../../db/schema/index.ts';
import type { replyOut } from './inbox.schema.ts';

/** Presents a reply row (the guard's verdict included, so the UI can show why it waits). */
export function presentReply(r: typeof inboxReplies.$inferSelect): z.infer<typeof replyOut> {
  return {
    id: r.id, conversationId: r.conversationId, messageId: r.messageId, authorId: r.authorId, text: r.text, state: r.state as z.infer<typeof replyOut>['state'],
    guard: r.guard, sendAfter: r.sendAfter?.toISOString() ?? null, approvedBy: r.approvedBy, remoteId: r.remoteId, url: r.url, error: r.error,
    createdAt: r.createdAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null,
  };
}
