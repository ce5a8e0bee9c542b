import { api } from './client.ts';
import { keys, meQuery, queryClient } from './queries.ts';
import type { MeResponse } from './types.ts';

/** Reloads who is signed in (after sign-in, sign-up, accepting an invitation or creating a workspace). */
export async function refreshSession(): Promise<MeResponse | null> {
  return queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
}

/** Signs out and forgets every cached answer that belonged to the user. */
export async function signOut(): Promise<void> {
  try {
    await api.signout();
  } finally {
    queryClient.removeQueries({ queryKey: ['workspace'] });
    queryClient.setQueryData(keys.me, null);
  }
}
