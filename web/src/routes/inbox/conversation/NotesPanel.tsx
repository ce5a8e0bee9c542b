import { Button, Group, Paper, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../api/types.ts';
import { useErrorText } from '../../../lib/errors.ts';
import { useCurrentWorkspace, useWorkspaceDates } from '../../shell/workspace-context.ts';
import { can, inboxApi, inboxKeys } from '../api/index.ts';
import type { Note } from '../api/index.ts';

/** The "@word" being typed just before the caret, if any. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]!.toLowerCase() };
}

/** Internal notes (never sent to the network) with an @teammate picker; mentioned teammates are notified. */
export function NotesPanel({ wid, conversationId, notes, members }: { wid: string; conversationId: string; notes: Note[]; members: Member[] }) {
  const { t } = useTranslation();
  const { role } = useCurrentWorkspace();
  const dates = useWorkspaceDates();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [body, setBody] = useState('');
  const [picked, setPicked] = useState<Member[]>([]);
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);

  const add = useMutation({
    mutationFn: () => {
      const ids = picked.filter((m) => body.includes(`@${m.user.name}`)).map((m) => m.user.id);
      return inboxApi.addNote(wid, conversationId, body.trim(), [...new Set(ids)]);
    },
    onSuccess: () => {
      setBody('');
      setPicked([]);
      void client.invalidateQueries({ queryKey: inboxKeys.conversation(wid, conversationId) });
    },
  });

  const matches = mention
    ? members.filter((m) => m.user.name.toLowerCase().includes(mention.query) || m.user.email.toLowerCase().startsWith(mention.query)).slice(0, 6)
    : [];

  const choose = (member: Member) => {
    if (!mention) return;
    const caret = ref.current?.selectionStart ?? body.length;
    const next = `${body.slice(0, mention.start)}@${member.user.name} ${body.slice(caret)}`;
    setBody(next);
    setPicked((prev) => [...prev.filter((m) => m.user.id !== member.user.id), member]);
    setMention(null);
    const position = mention.start + member.user.name.length + 2;
    setTimeout(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(position, position);
    }, 0);
  };

  return (
    <Stack gap={6} component="section" aria-label={t('inbox.notes.title')}>
      <Text size="sm" fw={600}>
        {t('inbox.notes.title')}
      </Text>
      {notes.map((note) => (
        <Paper key={note.id} p="xs" bg="yellow.0" withBorder data-testid="note">
          <Group justify="space-between">
            <Text size="xs" fw={600}>
              {note.author?.name ?? t('inbox.notes.someone')}
            </Text>
            <Text size="xs" c="dimmed">
              {dates.dateTime(note.createdAt)}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {note.body.replace(/@\[([^\]]+)\]\([0-9a-f-]{36}\)/gi, '@$1')}
          </Text>
        </Paper>
      ))}
      {can(role, 'inbox.reply') ? (
        <div style={{ position: 'relative' }}>
          <Textarea
            ref={ref}
            size="sm"
            label={t('inbox.notes.label')}
            placeholder={t('inbox.notes.placeholder')}
            autosize
            minRows={1}
            maxRows={5}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              setMention(mentionAt(e.currentTarget.value, e.currentTarget.selectionStart));
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (matches.length > 0) {
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault();
                  setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
                  return;
                }
                if (e.key === 'Enter' || e.key === 'Tab') {
                  e.preventDefault();
                  choose(matches[active] ?? matches[0]!);
                  return;
                }
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setMention(null);
                  return;
                }
              }
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && body.trim()) {
                e.preventDefault();
                add.mutate();
              } else if (e.key === 'Escape') {
                e.currentTarget.blur();
              }
            }}
            aria-autocomplete="list"
            aria-expanded={matches.length > 0}
            aria-controls="note-mentions"
          />
          {matches.length > 0 ? (
            <Paper
              id="note-mentions"
              role="listbox"
              aria-label={t('inbox.notes.mentionList')}
              shadow="md"
              withBorder
              p={4}
              style={{ position: 'absolute', zIndex: 10, left: 0, bottom: '100%', minWidth: 220 }}
            >
              {matches.map((member, i) => (
                <UnstyledButton
                  key={member.user.id}
                  role="option"
                  aria-selected={i === active}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(member);
                  }}
                  display="block"
                  w="100%"
                  p={4}
                  style={{ borderRadius: 4, background: i === active ? 'var(--mantine-color-blue-0)' : undefined }}
                >
                  <Text size="sm">{member.user.name}</Text>
                  <Text size="xs" c="dimmed">
                    {member.user.email}
                  </Text>
                </UnstyledButton>
              ))}
            </Paper>
          ) : null}
          <Group justify="flex-end" mt={4}>
            <Button size="compact-sm" variant="light" disabled={!body.trim()} loading={add.isPending} onClick={() => add.mutate()}>
              {t('inbox.notes.add')}
            </Button>
          </Group>
          {add.error ? (
            <Text size="xs" c="red">
              {errorText(add.error)}
            </Text>
          ) : null}
        </div>
      ) : null}
    </Stack>
  );
}
