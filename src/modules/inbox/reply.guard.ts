import { eq } from 'drizzle-orm';
import { replyGuardSettings } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { inTx, type Ctx } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { authorize } from '../../platform/policy.ts';
import { sentiment, toxicity } from '../insights/index.ts';
import { findKeywords } from '../moderation/text.match.ts';
import { loadCharter } from '../publishing/charter.service.ts';
import { scope } from '../workspaces/workspace.service.ts';

/**
 * The reply guard ("never answer anger with anger"): before a reply leaves, it is checked against the
 * charter (forbidden phrases), its own toxicity and sentiment, and the situation (a complaint or a
 * negative message from an account with a large audience). The workspace decides what a flag means:
 * warn, require a second person's approval, or delay sending with an undo.
 *
 * The charter input is the guard's own `forbidden_phrases` plus the editorial charter's banned phrases
 * (see `charterPhrases`).
 */

export type GuardSettings = typeof replyGuardSettings.$inferSelect;
export type GuardReason = { code: 'charter' | 'toxic' | 'negative' | 'sensitive_situation'; message: string };

const DEFAULTS = {
  mode: 'warn', delaySeconds: 30, toxicityThreshold: 0.6, negativeThreshold: -0.5, reachThreshold: 10_000, forbiddenPhrases: [] as string[],
  collisionSeconds: 30, crmWebhookUrl: null, crmWebhookSecretSealed: null,
};

export async function loadGuardSettings(db: DbOrTx, workspaceId: string): Promise<GuardSettings> {
  const [row] = await db.select().from(replyGuardSettings).where(eq(replyGuardSettings.workspaceId, workspaceId));
  return row ?? { workspaceId, updatedAt: new Date(0), ...DEFAULTS };
}

export function presentGuardSettings(s: GuardSettings) {
  return {
    mode: s.mode as 'off' | 'warn' | 'approval' | 'delay', delaySeconds: s.delaySeconds, toxicityThreshold: s.toxicityThreshold,
    negativeThreshold: s.negativeThreshold, reachThreshold: s.reachThreshold, forbiddenPhrases: s.forbiddenPhrases, collisionSeconds: s.collisionSeconds,
    crmWebhookUrl: s.crmWebhookUrl,
  };
}

export async function getGuardSettings(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  return presentGuardSettings(await loadGuardSettings(ctx.db, ws.id));
}

export async function saveGuardSettings(ctx: Ctx, input: Partial<Omit<GuardSettings, 'workspaceId' | 'updatedAt' | 'crmWebhookUrl' | 'crmWebhookSecretSealed'>>) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  return ctx.deps.db.transaction(async (tx) => {
    const current = await loadGuardSettings(tx, ws.id);
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), workspaceId: ws.id, updatedAt: ctx.clock() };
    await tx.insert(replyGuardSettings).values(next).onConflictDoUpdate({ target: replyGuardSettings.workspaceId, set: next });
    await audit(inTx(ctx, tx), { action: 'reply_guard.update', targetType: 'workspace', targetId: ws.id, before: presentGuardSettings(current), after: presentGuardSettings(next) });
    return presentGuardSettings(next);
  });
}

/**
 * The phrases a reply must not contain: the guard's own list plus the banned phrases of the
 * workspace's editorial charter (the publishing module's), whatever that rule's level — a reply is
 * checked before it goes out, so a charter "warn" still deserves the guard's attention.
 */
export async function charterPhrases(db: DbOrTx, workspaceId: string, settings: GuardSettings): Promise<string[]> {
  const charter = await loadCharter(db, workspaceId);
  const banned = charter.rules.bannedPhrases;
  const fromCharter = banned && banned.level !== 'off' ? banned.phrases : [];
  return [...new Set([...settings.forbiddenPhrases, ...fromCharter])];
}

/** What the guard finds in a reply, given the message it answers. Empty when nothing is wrong. */
export async function checkReply(
  settings: GuardSettings,
  phrases: string[],
  text: string,
  situation: { sentiment: string | null; intents: string[]; authorFollowers: number | null },
): Promise<GuardReason[]> {
  const reasons: GuardReason[] = [];
  const found = findKeywords(text, phrases);
  if (found.length > 0) reasons.push({ code: 'charter', message: `The charter forbids: ${found.join(', ')}.` });
  const tox = await toxicity(text, 'auto', { explain: false });
  if (!tox.fallback && (tox.score >= settings.toxicityThreshold || tox.profanity)) {
    reasons.push({ code: 'toxic', message: tox.profanity ? `The reply contains profanity (${tox.profaneWords.join(', ')}).` : `The reply reads as toxic (score ${tox.score.toFixed(2)}).` });
  }
  const sent = await sentiment(text, 'auto', { explain: false });
  if (!sent.fallback && sent.score <= settings.negativeThreshold) {
    reasons.push({ code: 'negative', message: `The reply reads as negative (polarity ${sent.score.toFixed(2)}).` });
  }
  const upset = situation.sentiment === 'negative' || situation.intents.includes('complaint');
  if (upset && (situation.authorFollowers ?? 0) >= settings.reachThreshold) {
    reasons.push({ code: 'sensitive_situation', message: `A complaint from an account with ${situation.authorFollowers} followers: take a second look.` });
  }
  return reasons;
}
