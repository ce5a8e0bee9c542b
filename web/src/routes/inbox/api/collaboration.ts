import { request } from '../../../api/client.ts';
import type { Person } from './conversations.ts';
import { enc, inbox } from './paths.ts';

// Working a conversation together: internal notes with @mentions, and presence (who views or types).

export interface Note {
  id: string;
  author: Person | null;
  body: string;
  mentions: string[];
  createdAt: string;
}

export interface Presence {
  userId: string;
  name: string;
  state: 'viewing' | 'typing';
  at: string;
}

/** Calls of the notes panel and presence heartbeats (part of inboxApi). */
export const collaborationApi = {
  presence: (wid: string, id: string, state: 'viewing' | 'typing' | 'left') =>
    request<{ presence: Presence[] }>('POST', `${inbox(wid)}/conversations/${enc(id)}/presence`, { state }),
  addNote: (wid: string, id: string, body: string, mentions: string[]) =>
    request<Note>('POST', `${inbox(wid)}/conversations/${enc(id)}/notes`, { body, mentions }),
};
