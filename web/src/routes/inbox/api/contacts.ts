import { request } from '../../../api/client.ts';
import type { Person } from './conversations.ts';
import { enc, qs, ws } from './paths.ts';

// Contacts: one person across networks, with lead fields, notes, merge/split and the CRM webhook.

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

export interface Contact {
  id: string;
  displayName: string | null;
  handle: string;
  avatarUrl: string | null;
  followers: number | null;
  tags: string[];
  leadStatus: string | null;
  leadValue: number | null;
  leadOwnerId: string | null;
  email: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ContactProfile {
  contact: Contact;
  identities: {
    id: string;
    network: string;
    remoteId: string;
    handle: string;
    displayName: string | null;
    avatarUrl: string | null;
    followers: number | null;
  }[];
  notes: { id: string; author: Person | null; body: string; createdAt: string }[];
  conversations: { id: string; channelId: string; kind: string; status: string; lastMessageAt: string; messageCount: number }[];
  history: {
    id: string;
    conversationId: string;
    channelId: string;
    kind: string;
    text: string;
    url: string | null;
    createdAt: string;
    sentiment: string | null;
    intents: string[] | null;
  }[];
}

/** Calls of the contacts list and profile (part of inboxApi). */
export const contactsApi = {
  contacts: (wid: string, params: { q?: string; tag?: string; leadStatus?: string }, cursor?: string | null) =>
    request<{ contacts: Contact[]; nextCursor: string | null }>('GET', `${ws(wid)}/contacts${qs({ ...params, cursor })}`),
  contact: (wid: string, id: string) => request<ContactProfile>('GET', `${ws(wid)}/contacts/${enc(id)}`),
  updateContact: (
    wid: string,
    id: string,
    input: Partial<Pick<Contact, 'displayName' | 'tags' | 'leadStatus' | 'leadValue' | 'leadOwnerId' | 'email'>>,
  ) => request<Contact>('PATCH', `${ws(wid)}/contacts/${enc(id)}`, input),
  addContactNote: (wid: string, id: string, body: string) =>
    request<ContactProfile['notes'][number]>('POST', `${ws(wid)}/contacts/${enc(id)}/notes`, { body }),
  mergeContacts: (wid: string, id: string, otherId: string) =>
    request<Contact>('POST', `${ws(wid)}/contacts/${enc(id)}/merge`, { otherId }),
  splitContact: (wid: string, id: string, identityIds: string[]) =>
    request<Contact>('POST', `${ws(wid)}/contacts/${enc(id)}/split`, { identityIds }),
  sendToCrm: (wid: string, id: string) =>
    request<{ delivered: boolean; status: number }>('POST', `${ws(wid)}/contacts/${enc(id)}/send-to-crm`),
  setCrmWebhook: (wid: string, url: string | null) =>
    request<{ url: string | null; secret: string | null }>('PUT', `${ws(wid)}/contacts/crm-webhook`, { url }),
  contactsCsvUrl: (wid: string) => `${ws(wid)}/contacts/export.csv`,
};
