import { MutationCache, QueryCache, QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api } from './client.ts';
import type { MeResponse } from './types.ts';

let onSessionEnded: () => void = () => {};

/** Sets what happens when the API says the session is gone (the app sends the user to sign in). */
export function setSessionEndedHandler(handler: () => void): void {
  onSessionEnded = handler;
}

function checkSession(error: unknown): void {
  if (error instanceof ApiError && error.code === 'unauthenticated') {
    queryClient.setQueryData(keys.me, null);
    onSessionEnded();
  }
}

/** Shared cache; a 4xx is an answer, not a reason to retry; an ended session leads to sign-in. */
export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: checkSession }),
  mutationCache: new MutationCache({ onError: checkSession }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

export const keys = {
  setup: ['setup'] as const,
  me: ['me'] as const,
  workspace: (wid: string) => ['workspace', wid] as const,
  members: (wid: string) => ['workspace', wid, 'members'] as const,
  invitations: (wid: string) => ['workspace', wid, 'invitations'] as const,
  tokens: (wid: string) => ['workspace', wid, 'tokens'] as const,
  audit: (wid: string) => ['workspace', wid, 'audit'] as const,
  notifications: (wid: string) => ['workspace', wid, 'notifications'] as const,
};

export const setupQuery = queryOptions({ queryKey: keys.setup, queryFn: api.setup, staleTime: Infinity });

/** The signed-in user and their workspaces, or null when nobody is signed in. */
export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async (): Promise<MeResponse | null> => {
    try {
      return await api.me();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
});

/** The signed-in user and memberships (null when signed out). */
export function useMe() {
  return useQuery(meQuery);
}
