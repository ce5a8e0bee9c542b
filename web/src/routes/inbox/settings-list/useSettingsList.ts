import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * A mutation that refreshes `queryKey` when it succeeds, then runs `onSuccess` with the answer — the
 * create / update / delete of every settings list.
 */
export function useInvalidatingMutation<TVariables, TAnswer>(
  mutationFn: (variables: TVariables) => Promise<TAnswer>,
  queryKey: QueryKey,
  onSuccess?: (answer: TAnswer) => void,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (answer) => {
      void client.invalidateQueries({ queryKey });
      onSuccess?.(answer);
    },
  });
}

/**
 * State of a settings list: which item the editor shows (`'new'`, an item, or none) and the delete
 * mutation, which refreshes the list. Pages show `remove.error` with the list's own error (the card's
 * `error`): a refused delete must not be silent.
 */
export function useSettingsList<T>({ remove, queryKey }: { remove: (id: string) => Promise<unknown>; queryKey: QueryKey }) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const removeMutation = useInvalidatingMutation(remove, queryKey);
  return { editing, setEditing, remove: removeMutation };
}
