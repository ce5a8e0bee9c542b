import { z } from 'zod';
import { detectMentions, detectTags } from '../../connectors/text/detect.ts';

/**
 * The editorial charter's rules and their pure check. Each rule is `off`, `warn` (shown, publishing
 * allowed) or `block` (publishing refused, in the composer and again at publish time).
 */

export const ruleLevel = z.enum(['off', 'warn', 'block']);
export type RuleLevel = z.infer<typeof ruleLevel>;

const phrase = z.string().trim().min(1).max(200);
export const charterRules = z.strictObject({
  bannedPhrases: z.strictObject({ level: ruleLevel, phrases: z.array(phrase).max(500) }).optional(),
  requiredMentions: z.strictObject({ level: ruleLevel, values: z.array(phrase).max(50), match: z.enum(['all', 'any']).default('all') }).optional(),
  requiredHashtags: z.strictObject({ level: ruleLevel, values: z.array(phrase).max(50), match: z.enum(['all', 'any']).default('all') }).optional(),
  maxHashtags: z.strictObject({ level: ruleLevel, max: z.number().int().min(0).max(100) }).optional(),
  emoji: z.strictObject({ level: ruleLevel, policy: z.enum(['none', 'max']), max: z.number().int().min(0).max(100).default(0) }).optional(),
  language: z.strictObject({ level: ruleLevel, value: z.string().min(2).max(12) }).optional(),
});
export type CharterRules = z.infer<typeof charterRules>;

export type CharterRule = keyof CharterRules;

/** One breach of the charter, precise enough for the composer to highlight it. */
export type CharterIssue = {
  rule: CharterRule;
  level: 'warn' | 'block';
  /** `text`, `thread[0].text`, `firstComment`, or `variant` for rules about the whole variant. */
  field: string;
  message: string;
  /** What matched (the banned phrase, the missing mention…). */
  matches: string[];
};

/** The parts of a variant a charter reads, each with its field name. */
export type CheckedText = { field: string; text: string };

/** Lower-case, accents removed: "Élève" and "eleve" match the same banned phrase. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-word (or whole-phrase) occurrences of `phrase` in `text`, accent- and case-insensitive. */
export function containsPhrase(text: string, phrase: string): boolean {
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRe(fold(phrase.trim()))}(?![\\p{L}\\p{N}_])`, 'u');
  return re.test(fold(text));
}

const EMOJI = /\p{Extended_Pictographic}/u;
/** Emoji in `text`, counted per grapheme (a family or a flag is one). */
export function countEmoji(text: string): number {
  let n = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) if (EMOJI.test(segment) || /\p{Regional_Indicator}/u.test(segment)) n++;
  return n;
}

const norm = (v: string, sigil: string) => fold(v.trim().replace(new RegExp(`^${escapeRe(sigil)}`), ''));

/**
 * Every charter issue of one variant. `detectLanguage` returns the language of a text (or `und`);
 * the language rule is checked only when the detection is reliable.
 *
 * @example checkCharter([{field:'text', text:'Promo !!!'}], {bannedPhrases:{level:'block', phrases:['promo']}})[0].level === 'block'
 */
export function checkCharter(
  texts: CheckedText[],
  rules: CharterRules,
  detectLanguage?: (text: string) => { lang: string; reliable: boolean },
): CharterIssue[] {
  const issues: CharterIssue[] = [];
  const on = <T extends { level: RuleLevel }>(r: T | undefined): r is T & { level: 'warn' | 'block' } => r !== undefined && r.level !== 'off';

  if (on(rules.bannedPhrases)) {
    for (const t of texts) {
      const found = rules.bannedPhrases.phrases.filter((p) => containsPhrase(t.text, p));
      if (found.length > 0) {
        issues.push({ rule: 'bannedPhrases', level: rules.bannedPhrases.level, field: t.field, matches: found, message: `Uses ${found.map((f) => `“${f}”`).join(', ')}, which the charter bans` });
      }
    }
  }
  const all = texts.map((t) => t.text).join('\n');
  if (on(rules.requiredMentions) && rules.requiredMentions.values.length > 0) {
    const present = new Set(detectMentions(all).map((m) => fold(m.handle)));
    // Mastodon-style @user and @user@domain are matched too (detectMentions knows Bluesky handles).
    for (const m of all.matchAll(/(?<![\p{L}\p{N}_])@([\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_.-]+)?)/gu)) present.add(fold(m[1]!.replace(/[.]+$/, '')));
    const missing = rules.requiredMentions.values.filter((v) => !present.has(norm(v, '@')));
    const fail = rules.requiredMentions.match === 'all' ? missing.length > 0 : missing.length === rules.requiredMentions.values.length;
    if (fail) {
      issues.push({ rule: 'requiredMentions', level: rules.requiredMentions.level, field: 'variant', matches: missing, message: rules.requiredMentions.match === 'all' ? `Missing required mention${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : `Mention at least one of ${missing.join(', ')}` });
    }
  }
  if (on(rules.requiredHashtags) && rules.requiredHashtags.values.length > 0) {
    const present = new Set(detectTags(all).map((t) => fold(t.tag)));
    const missing = rules.requiredHashtags.values.filter((v) => !present.has(norm(v, '#')));
    const fail = rules.requiredHashtags.match === 'all' ? missing.length > 0 : missing.length === rules.requiredHashtags.values.length;
    if (fail) {
      const shown = missing.map((m) => (m.startsWith('#') ? m : `#${m}`));
      issues.push({ rule: 'requiredHashtags', level: rules.requiredHashtags.level, field: 'variant', matches: shown, message: rules.requiredHashtags.match === 'all' ? `Missing required hashtag${shown.length > 1 ? 's' : ''} ${shown.join(', ')}` : `Use at least one of ${shown.join(', ')}` });
    }
  }
  if (on(rules.maxHashtags)) {
    for (const t of texts) {
      const tags = detectTags(t.text);
      if (tags.length > rules.maxHashtags.max) {
        issues.push({ rule: 'maxHashtags', level: rules.maxHashtags.level, field: t.field, matches: tags.map((x) => `#${x.tag}`), message: `${tags.length} hashtags; the charter allows ${rules.maxHashtags.max}: remove ${tags.length - rules.maxHashtags.max}` });
      }
    }
  }
  if (on(rules.emoji)) {
    const max = rules.emoji.policy === 'none' ? 0 : rules.emoji.max;
    for (const t of texts) {
      const n = countEmoji(t.text);
      if (n > max) {
        issues.push({ rule: 'emoji', level: rules.emoji.level, field: t.field, matches: [], message: max === 0 ? `${n} emoji; the charter allows none` : `${n} emoji; the charter allows ${max}: remove ${n - max}` });
      }
    }
  }
  if (on(rules.language) && detectLanguage) {
    for (const t of texts) {
      if (t.text.trim().length < 20) continue;
      const d = detectLanguage(t.text);
      if (d.reliable && d.lang !== 'und' && d.lang !== rules.language.value) {
        issues.push({ rule: 'language', level: rules.language.level, field: t.field, matches: [d.lang], message: `Written in ${d.lang}; the charter asks for ${rules.language.value}` });
      }
    }
  }
  return issues;
}

/** True when an issue blocks publishing. */
export const blocks = (issues: CharterIssue[]) => issues.some((i) => i.level === 'block');
