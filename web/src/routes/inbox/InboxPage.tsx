import {
  Box,
  Button,
  Center,
  Checkbox,
  Group,
  Kbd,
  Loader,
  Modal,
  ScrollArea,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { useChannels } from '../settings/channels/channels-api.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../shell/workspace-context.ts';
import { BulkBar } from './BulkBar.tsx';
import { ConversationPane } from './conversation/ConversationPane.tsx';
import { FiltersPane } from './FiltersPane.tsx';
import { STATUSES, can, inboxApi, inboxKeys } from './api/index.ts';
import type { ConversationItem, Filters, Status } from './api/index.ts';
import { ConversationBadges, authorLabel } from './inbox-ui.tsx';
import { useInboxMutations } from './useInboxMutations.ts';
import { Stars } from './Stars.tsx';

/** Keys that work anywhere on the page except while typing. */
export const SHORTCUTS = ['j', 'k', 'r', 'e', 'a', 'slash', 'question', 'x', 'escape', 'send'] as const;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Inbox: saved views and filters | conversations (status tabs with counts, badges, selection) | the conversation. */
export function InboxPage() {
  const { t } = useTranslation();
  const { wid } = useParams({ from: '/w/$wid/inbox' });
  const search = useSearch({ from: '/w/$wid/inbox' });
  const navigate = useNavigate();
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const canReply = can(role, 'inbox.reply');

  const [filters, setFilters] = useState<Filters>({});
  const [status, setStatus] = useState<Status>('open');
  const [query, setQuery] = useState('');
  const [qlang, setQlang] = useState<string>('any');
  const listFilters: Filters = useMemo(
    () => ({ ...filters, status, q: query.trim() || undefined, qlang: query.trim() && qlang !== 'any' ? qlang : undefined }),
    [filters, status, query, qlang],
  );
  const selectedId = search.c ?? null;
  const select = useCallback(
    (id: string | null) => void navigate({ to: '/w/$wid/inbox', params: { wid }, search: id ? { c: id } : {}, replace: true }),
    [navigate, wid],
  );
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [help, setHelp] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const channels = useChannels(wid);
  const members = useQuery({ queryKey: keys.members(wid), queryFn: () => api.members(wid) });
  const assignable = (members.data?.members ?? []).filter((m) => can(m.role, 'inbox.read'));

  const list = useInfiniteQuery({
    queryKey: inboxKeys.list(wid, listFilters),
    queryFn: ({ pageParam }) => inboxApi.conversations(wid, listFilters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 5_000,
  });
  const counts = useQuery({
    queryKey: inboxKeys.counts(wid, listFilters),
    queryFn: () => inboxApi.counts(wid, listFilters),
    staleTime: 5_000,
  });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.conversations) ?? [], [list.data]);
  const index = items.findIndex((c) => c.id === selectedId);
  const { update } = useInboxMutations(wid);

  const move = useCallback(
    (delta: number) => {
      if (items.length === 0) return;
      const next = index < 0 ? 0 : Math.min(items.length - 1, Math.max(0, index + delta));
      const target = items[next]!;
      select(target.id);
      listRef.current?.querySelector(`[data-id="${target.id}"]`)?.scrollIntoView({ block: 'nearest' });
    },
    [items, index, select],
  );

  const closeCurrent = useCallback(() => {
    if (!selectedId || !canReply) return;
    const current = items[index];
    const nextItem = items[index + 1] ?? items[index - 1] ?? null;
    update.mutate(
      { ids: [selectedId], change: { status: current?.status === 'closed' ? 'open' : 'closed' } },
      { onSuccess: () => select(nextItem?.id ?? null) },
    );
  }, [selectedId, canReply, items, index, update, select]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      if (document.querySelector('[role="dialog"]') && event.key !== '?') return;
      switch (event.key) {
        case 'j':
          move(1);
          break;
        case 'k':
          move(-1);
          break;
        case 'r':
          if (!replyRef.current) return;
          replyRef.current.focus();
          break;
        case 'e':
          closeCurrent();
          break;
        case 'a':
          if (!selectedId || !canReply) return;
          setAssigning(true);
          break;
        case 'x':
          if (!selectedId) return;
          setChecked((prev) => {
            const next = new Set(prev);
            if (next.has(selectedId)) next.delete(selectedId);
            else next.add(selectedId);
            return next;
          });
          break;
        case '/':
          searchRef.current?.focus();
          break;
        case '?':
          setHelp((open) => !open);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, closeCurrent, selectedId, canReply]);

  const toggle = (id: string, on: boolean) =>
    setChecked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allChecked = items.length > 0 && items.every((c) => checked.has(c.id));

  return (
    <Stack gap="sm" h="calc(100vh - 60px - 2 * var(--mantine-spacing-lg))">
      <Group justify="space-between" wrap="nowrap">
        <Title order={1} size="h2">
          {t('nav.inbox')}
        </Title>
        <Group gap="xs" wrap="nowrap">
          <RouterAnchor to="/w/$wid/inbox/report" params={{ wid }} size="sm">
            {t('inboxReport.open')}
          </RouterAnchor>
          <Button variant="subtle" size="xs" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('inbox.shortcuts.open')}
          </Button>
        </Group>
      </Group>
      <Box style={{ display: 'flex', gap: 'var(--mantine-spacing-md)', flex: 1, minHeight: 0 }}>
        <ScrollArea w={230} style={{ flex: 'none' }} type="auto" offsetScrollbars>
          <FiltersPane
            wid={wid}
            filters={filters}
            onChange={(next) => {
              const { status: nextStatus, q, qlang: nextLang, ...rest } = next;
              setFilters(rest);
              if (nextStatus && (STATUSES as readonly string[]).includes(nextStatus)) setStatus(nextStatus as Status);
              setQuery(q ?? '');
              setQlang(nextLang ?? 'any');
            }}
            channels={channels.data?.channels ?? []}
            members={assignable}
          />
        </ScrollArea>

        <Stack
          gap="xs"
          w={380}
          style={{ flex: 'none', minHeight: 0 }}
          component="section"
          aria-label={t('inbox.list.title')}
        >
          <Group gap={4} wrap="nowrap">
            <TextInput
              ref={searchRef}
              size="xs"
              style={{ flex: 1 }}
              aria-label={t('inbox.search.label')}
              placeholder={t('inbox.search.placeholder')}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' || e.key === 'Enter') {
                  e.currentTarget.blur();
                  if (e.key === 'Enter') setTimeout(() => move(0), 300);
                }
              }}
            />
            <Select
              size="xs"
              w={100}
              aria-label={t('inbox.search.language')}
              data={[
                { value: 'any', label: t('inbox.search.any') },
                { value: 'fr', label: t('inbox.lang.fr') },
                { value: 'en', label: t('inbox.lang.en') },
              ]}
              value={qlang}
              onChange={(v) => setQlang(v ?? 'any')}
              allowDeselect={false}
            />
          </Group>
          <Tabs value={status} onChange={(v) => v && setStatus(v as Status)}>
            <Tabs.List grow>
              {STATUSES.map((s) => (
                <Tabs.Tab key={s} value={s} px={6} fz="xs">
                  {t(`inbox.status.${s}`)} {counts.data ? `(${counts.data.counts[s]})` : ''}
                </Tabs.Tab>
              ))}
            </Tabs.List>
          </Tabs>
          {canReply && checked.size > 0 ? (
            <BulkBar wid={wid} ids={[...checked]} members={assignable} onDone={() => setChecked(new Set())} />
          ) : null}
          <Group justify="space-between">
            <Checkbox
              size="xs"
              label={t('inbox.list.selectAll')}
              checked={allChecked}
              indeterminate={!allChecked && checked.size > 0}
              onChange={(e) => setChecked(e.currentTarget.checked ? new Set(items.map((c) => c.id)) : new Set())}
              disabled={items.length === 0}
            />
            {list.isFetching && !list.isFetchingNextPage ? <Loader size="xs" /> : null}
          </Group>
          <ScrollArea style={{ flex: 1 }} type="auto" viewportRef={listRef}>
            {list.isPending ? (
              <Center p="lg">
                <Loader aria-label={t('common.loading')} />
              </Center>
            ) : list.error ? (
              <ErrorAlert error={list.error} />
            ) : items.length === 0 ? (
              <Text c="dimmed" size="sm" p="md" ta="center">
                {t('inbox.list.empty')}
              </Text>
            ) : (
              <Stack gap={4} role="list" aria-label={t('inbox.list.title')}>
                {items.map((item) => (
                  <ConversationRow
                    key={item.id}
                    item={item}
                    active={item.id === selectedId}
                    checked={checked.has(item.id)}
                    onCheck={(on) => toggle(item.id, on)}
                    onOpen={() => select(item.id)}
                    when={dates.dateTime(item.lastMessageAt)}
                  />
                ))}
                {list.hasNextPage ? (
                  <Button
                    variant="subtle"
                    size="xs"
                    loading={list.isFetchingNextPage}
                    onClick={() => void list.fetchNextPage()}
                  >
                    {t('inbox.list.loadMore')}
                  </Button>
                ) : null}
              </Stack>
            )}
          </ScrollArea>
        </Stack>

        <Box style={{ flex: 1, minWidth: 0, minHeight: 0 }} component="section" aria-label={t('inbox.conversation.title')}>
          {selectedId ? (
            <ConversationPane key={selectedId} wid={wid} id={selectedId} replyRef={replyRef} members={assignable} />
          ) : (
            <Center h="100%">
              <Stack align="center" gap={4}>
                <Text c="dimmed">{t('inbox.conversation.none')}</Text>
                <Text c="dimmed" size="sm">
                  {t('inbox.conversation.hint')}
                </Text>
              </Stack>
            </Center>
          )}
        </Box>
      </Box>

      <ShortcutsHelp opened={help} onClose={() => setHelp(false)} />
      <AssignModal
        opened={assigning}
        onClose={() => setAssigning(false)}
        members={assignable}
        onPick={(userId) => {
          if (selectedId) update.mutate({ ids: [selectedId], change: { assigneeId: userId } });
          setAssigning(false);
        }}
      />
    </Stack>
  );
}

function ConversationRow({
  item,
  active,
  checked,
  onCheck,
  onOpen,
  when,
}: {
  item: ConversationItem;
  active: boolean;
  checked: boolean;
  onCheck: (on: boolean) => void;
  onOpen: () => void;
  when: string;
}) {
  const { t } = useTranslation();
  const who = authorLabel(item.contact, t('inbox.unknownAuthor'));
  return (
    <Group
      role="listitem"
      data-id={item.id}
      data-testid="conversation-row"
      aria-current={active ? 'true' : undefined}
      gap="xs"
      wrap="nowrap"
      align="flex-start"
      p="xs"
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: active ? 'var(--mantine-color-blue-0)' : 'var(--mantine-color-white)',
        border: `1px solid ${active ? 'var(--mantine-color-blue-4)' : 'var(--mantine-color-gray-3)'}`,
      }}
    >
      <Checkbox
        size="xs"
        mt={2}
        checked={checked}
        onChange={(e) => onCheck(e.currentTarget.checked)}
        aria-label={t('inbox.list.select', { name: who })}
      />
      <UnstyledButton onClick={onOpen} style={{ flex: 1, minWidth: 0 }} aria-label={t('inbox.list.open', { name: who })}>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Text size="sm" fw={item.hasUnanswered ? 700 : 500} truncate>
            {who}
          </Text>
          <Text size="xs" c="dimmed" style={{ flex: 'none' }}>
            {when}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {t(`inbox.kind.${item.kind}`, { defaultValue: item.kind })}
          {item.assignee ? ` · ${t('inbox.list.assignedTo', { name: item.assignee.name })}` : ''}
          {item.unansweredCount > 0 ? ` · ${t('inbox.list.unanswered', { count: item.unansweredCount })}` : ''}
        </Text>
        <Stars rating={item.rating} size="xs" />
        <Text size="sm" lineClamp={2} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {item.preview ?? ''}
        </Text>
        <Box mt={4}>
          <ConversationBadges item={item} />
        </Box>
      </UnstyledButton>
    </Group>
  );
}

/** The "?" overlay: every shortcut, in the UI language. */
function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    ['j', 'j'],
    ['k', 'k'],
    ['r', 'r'],
    ['send', 'Ctrl + Enter'],
    ['e', 'e'],
    ['a', 'a'],
    ['x', 'x'],
    ['slash', '/'],
    ['escape', 'Esc'],
    ['question', '?'],
  ];
  return (
    <Modal opened={opened} onClose={onClose} title={t('inbox.shortcuts.title')} size="md">
      <Stack gap={6}>
        {rows.map(([key, label]) => (
          <Group key={key} justify="space-between" wrap="nowrap">
            <Text size="sm">{t(`inbox.shortcuts.${key}`)}</Text>
            <Kbd>{label}</Kbd>
          </Group>
        ))}
        <Text size="xs" c="dimmed" mt="xs">
          {t('inbox.shortcuts.note')}
        </Text>
      </Stack>
    </Modal>
  );
}

/** The "a" dialog: type a name, Enter assigns. */
function AssignModal({
  opened,
  onClose,
  members,
  onPick,
}: {
  opened: boolean;
  onClose: () => void;
  members: { user: { id: string; name: string } }[];
  onPick: (userId: string | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('inbox.assign.title')} size="sm">
      <Select
        data-autofocus
        label={t('inbox.assign.to')}
        searchable
        selectFirstOptionOnChange
        defaultDropdownOpened
        data={[
          { value: 'none', label: t('inbox.assign.nobody') },
          ...members.map((m) => ({ value: m.user.id, label: m.user.name })),
        ]}
        onChange={(v) => v && onPick(v === 'none' ? null : v)}
        comboboxProps={{ withinPortal: false }}
      />
    </Modal>
  );
}
