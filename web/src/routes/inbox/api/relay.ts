import { request } from '../../../api/client.ts';
import { enc, inbox, qs, ws } from './paths.ts';

// Relay: routes sending messages to a team (email digest or webhook) and the items sent
// (src/modules/relay/*.schema.ts).

export type RelayStatus = 'new' | 'sent' | 'acknowledged' | 'resolved' | 'failed';

export interface RelayItem {
  id: string;
  routeId: string;
  routeName: string;
  team: string;
  messageId: string;
  conversationId: string;
  reason: string;
  status: RelayStatus;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface RelayRouteInput {
  name: string;
  team: string;
  intents?: string[];
  tags?: string[];
  delivery: 'email' | 'webhook';
  emails?: string[];
  digestMinutes?: number;
  webhookUrl?: string | null;
  enabled?: boolean;
  rotateSecret?: boolean;
}

export interface RelayRoute {
  id: string;
  name: string;
  team: string;
  intents: string[];
  tags: string[];
  delivery: 'email' | 'webhook';
  emails: string[];
  digestMinutes: number;
  webhookUrl: string | null;
  enabled: boolean;
  lastDigestAt: string | null;
}

/** Calls of Settings → Relay and a conversation's relay panel (part of inboxApi). */
export const relayApi = {
  relayConversation: (wid: string, id: string, routeId: string) =>
    request<RelayItem>('POST', `${inbox(wid)}/conversations/${enc(id)}/relay`, { routeId }),

  relayRoutes: (wid: string) => request<{ routes: RelayRoute[] }>('GET', `${ws(wid)}/relay/routes`),
  saveRelayRoute: (wid: string, id: string | null, input: RelayRouteInput) =>
    id
      ? request<RelayRoute & { secret: string | null }>('PATCH', `${ws(wid)}/relay/routes/${enc(id)}`, input)
      : request<RelayRoute & { secret: string | null }>('POST', `${ws(wid)}/relay/routes`, input),
  deleteRelayRoute: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/relay/routes/${enc(id)}`),
  relayItems: (wid: string, status?: string) =>
    request<{ items: RelayItem[] }>('GET', `${ws(wid)}/relay/items${qs({ status, limit: 100 })}`),
  setRelayStatus: (wid: string, id: string, status: 'new' | 'acknowledged' | 'resolved') =>
    request<RelayItem>('PATCH', `${ws(wid)}/relay/items/${enc(id)}`, { status }),
};
