import { useCallback, useEffect, useRef, useState } from 'react';
import { useMe } from '../../api/queries.ts';
import { inboxApi } from './api/index.ts';
import type { Presence } from './api/index.ts';

/** Event name the shell's event stream dispatches on `window` for `inbox.presence` (see useWorkspaceEvents). */
export const PRESENCE_EVENT = 'passerelle:inbox.presence';

interface PresencePayload {
  conversationId: string;
  userId: string;
  name: string;
  state: 'viewing' | 'typing' | 'left';
}

const HEARTBEAT_MS = 8_000;
const STALE_MS = 20_000;

/**
 * Tells the API that I am viewing (or typing in) this conversation every few seconds, says "left" when
 * I go, and keeps the list of teammates present from the answers and the live `inbox.presence` events.
 */
export function usePresence(wid: string, conversationId: string, initial: Presence[]) {
  const me = useMe();
  const myId = me.data?.user.id;
  const [others, setOthers] = useState<Map<string, Presence>>(new Map());
  const typingUntil = useRef(0);
  const lastSent = useRef<{ state: string; at: number }>({ state: '', at: 0 });

  const merge = useCallback(
    (list: Presence[]) =>
      setOthers(() => {
        const next = new Map<string, Presence>();
        for (const p of list) if (p.userId !== myId) next.set(p.userId, p);
        return next;
      }),
    [myId],
  );

  useEffect(() => {
    merge(initial);
    // Only the first detail answer seeds the list; later ones come from heartbeats and events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [merge, initial.length]);

  const send = useCallback(
    (state: 'viewing' | 'typing' | 'left') => {
      lastSent.current = { state, at: Date.now() };
      return inboxApi
        .presence(wid, conversationId, state)
        .then((answer) => {
          if (state !== 'left') merge(answer.presence);
        })
        .catch(() => {});
    },
    [wid, conversationId, merge],
  );

  useEffect(() => {
    void send('viewing');
    const timer = setInterval(() => {
      void send(Date.now() < typingUntil.current ? 'typing' : 'viewing');
      // Drop teammates we have not heard of for a while.
      setOthers((prev) => {
        const next = new Map([...prev].filter(([, p]) => Date.now() - new Date(p.at).getTime() < STALE_MS));
        return next.size === prev.size ? prev : next;
      });
    }, HEARTBEAT_MS);
    const onEvent = (event: Event) => {
      const payload = (event as CustomEvent<PresencePayload>).detail;
      if (!payload || payload.conversationId !== conversationId || payload.userId === myId) return;
      setOthers((prev) => {
        const next = new Map(prev);
        if (payload.state === 'left') next.delete(payload.userId);
        else next.set(payload.userId, { userId: payload.userId, name: payload.name, state: payload.state, at: new Date().toISOString() });
        return next;
      });
    };
    window.addEventListener(PRESENCE_EVENT, onEvent);
    return () => {
      clearInterval(timer);
      window.removeEventListener(PRESENCE_EVENT, onEvent);
      void send('left');
    };
  }, [send, conversationId, myId]);

  /** Call on every keystroke in the reply box: announces "typing" at most every 3 s. */
  const typing = useCallback(() => {
    typingUntil.current = Date.now() + 6_000;
    if (lastSent.current.state !== 'typing' || Date.now() - lastSent.current.at > 3_000) void send('typing');
  }, [send]);

  return { others: [...others.values()], typing };
}
