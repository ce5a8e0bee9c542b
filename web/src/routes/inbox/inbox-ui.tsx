import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationItem, Sla } from './api/index.ts';

/** "2 h 05 min", "3 d 4 h", "45 s": a short duration in the UI language. */
export function useDuration() {
  const { t } = useTranslation();
  return (ms: number): string => {
    const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (d > 0) return t('inbox.duration.dh', { d, h });
    if (h > 0) return t('inbox.duration.hm', { h, m: String(m).padStart(2, '0') });
    if (m > 0) return t('inbox.duration.m', { m });
    return t('inbox.duration.s', { s });
  };
}

/** The current time, refreshed every `everyMs` (timers and countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const SLA_COLORS: Record<string, string> = { ok: 'teal', at_risk: 'orange', breached: 'red', met: 'gray', none: 'gray' };
const SENTIMENT_COLORS: Record<string, string> = { negative: 'red', neutral: 'gray', positive: 'teal' };
const PRIORITY_COLORS: Record<string, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

/** The SLA state with its timer ("due in 1 h 20 min", "breached 5 min ago"). */
export function SlaBadge({ sla, live = false }: { sla: Sla; live?: boolean }) {
  const { t } = useTranslation();
  const duration = useDuration();
  const now = useNow(live ? 1000 : 30_000);
  if (sla.state === 'none') return null;
  const left = sla.dueAt ? new Date(sla.dueAt).getTime() - now : null;
  let timer = '';
  if (left !== null && (sla.state === 'ok' || sla.state === 'at_risk' || sla.state === 'breached')) {
    timer = left >= 0 ? t('inbox.sla.dueIn', { time: duration(left) }) : t('inbox.sla.overdue', { time: duration(left) });
  }
  const target = sla.target ? t(`inbox.sla.target.${sla.target}`) : '';
  return (
    <Tooltip label={target || t(`inbox.sla.state.${sla.state}`)} disabled={!target}>
      <Badge color={SLA_COLORS[sla.state]} variant={sla.state === 'breached' ? 'filled' : 'light'} size="sm" data-testid="sla">
        {t(`inbox.sla.state.${sla.state}`)}
        {timer ? ` · ${timer}` : ''}
      </Badge>
    </Tooltip>
  );
}

export function SentimentBadge({ sentiment }: { sentiment: string | null }) {
  const { t } = useTranslation();
  if (!sentiment) return null;
  return (
    <Badge color={SENTIMENT_COLORS[sentiment] ?? 'gray'} variant="light" size="sm">
      {t(`inbox.sentiment.${sentiment}`, { defaultValue: sentiment })}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  const { t } = useTranslation();
  if (priority === 'normal') return null;
  return (
    <Badge color={PRIORITY_COLORS[priority] ?? 'gray'} variant="outline" size="sm">
      {t(`inbox.priority.${priority}`)}
    </Badge>
  );
}

/** Sentiment, intents, language, SLA, priority, tags of a conversation. */
export function ConversationBadges({ item }: { item: ConversationItem }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="wrap">
      <PriorityBadge priority={item.priority} />
      <SentimentBadge sentiment={item.sentiment} />
      {item.intents
        .filter((i) => i !== 'other')
        .map((intent) => (
          <Badge key={intent} color="grape" variant="light" size="sm">
            {t(`inbox.intent.${intent}`, { defaultValue: intent })}
          </Badge>
        ))}
      {item.language ? (
        <Badge color="gray" variant="outline" size="sm" aria-label={t('inbox.languageLabel', { lang: item.language })}>
          {item.language}
        </Badge>
      ) : null}
      <SlaBadge sla={item.sla} />
      {item.tags.map((tag) => (
        <Badge key={tag} color="indigo" variant="dot" size="sm">
          {tag}
        </Badge>
      ))}
    </Group>
  );
}

/** The person's display name and handle as text. */
export function authorLabel(contact: { displayName: string | null; handle: string } | null, fallback: string): string {
  if (!contact) return fallback;
  return contact.displayName ? `${contact.displayName} (@${contact.handle})` : `@${contact.handle}`;
}

export function Muted({ children }: { children: React.ReactNode }) {
  return (
    <Text size="xs" c="dimmed">
      {children}
    </Text>
  );
}
