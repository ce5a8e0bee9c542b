import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blocks, checkCharter, containsPhrase, countEmoji } from './charter.rules.ts';

/** The editorial charter's rules: each one warns or blocks, per part of the variant. */
describe('charter rules', () => {
  const t = (text: string, field = 'text') => [{ field, text }];

  test('banned phrases match whole words, whatever the case and accents', () => {
    assert.ok(containsPhrase('Énorme PROMO ce soir', 'promo'));
    assert.ok(containsPhrase('un eleve brillant', 'élève'));
    assert.ok(!containsPhrase('promotion interne', 'promo'));
    const issues = checkCharter(t('Grosse promo !'), { bannedPhrases: { level: 'block', phrases: ['promo', 'gratuit'] } });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.level, 'block');
    assert.deepEqual(issues[0]!.matches, ['promo']);
    assert.ok(blocks(issues));
  });

  test('a rule set to warn does not block; a rule set to off is not checked', () => {
    assert.ok(!blocks(checkCharter(t('promo'), { bannedPhrases: { level: 'warn', phrases: ['promo'] } })));
    assert.equal(checkCharter(t('promo'), { bannedPhrases: { level: 'off', phrases: ['promo'] } }).length, 0);
  });

  test('required mentions: all of them, or at least one, across the whole thread', () => {
    const rules = { requiredMentions: { level: 'block' as const, values: ['@marque', '@partenaire'], match: 'all' as const } };
    const parts = [{ field: 'text', text: 'Merci @marque' }, { field: 'thread[0].text', text: 'et @Partenaire !' }];
    assert.equal(checkCharter(parts, rules).length, 0);
    const missing = checkCharter(t('Merci @marque'), rules);
    assert.deepEqual(missing[0]!.matches, ['@partenaire']);
    assert.equal(checkCharter(t('Merci @marque'), { requiredMentions: { ...rules.requiredMentions, match: 'any' } }).length, 0);
    assert.equal(checkCharter(t('Merci @marque@mastodon.social'), { requiredMentions: { level: 'warn', values: ['marque@mastodon.social'], match: 'all' } }).length, 0);
  });

  test('required hashtags and a maximum number of hashtags per part', () => {
    assert.equal(checkCharter(t('Bonjour #Passerelle'), { requiredHashtags: { level: 'block', values: ['passerelle'], match: 'all' } }).length, 0);
    assert.equal(checkCharter(t('Bonjour'), { requiredHashtags: { level: 'block', values: ['#passerelle'], match: 'all' } })[0]!.message, 'Missing required hashtag #passerelle');
    const over = checkCharter(t('#a1 #b2 #c3 #d4'), { maxHashtags: { level: 'warn', max: 2 } });
    assert.equal(over.length, 1);
    assert.match(over[0]!.message, /4 hashtags; the charter allows 2: remove 2/);
  });

  test('emoji are counted per grapheme (a family or a flag is one)', () => {
    assert.equal(countEmoji('Salut 👋 👨‍👩‍👧 🇫🇷 !'), 3);
    assert.equal(checkCharter(t('Salut 👋'), { emoji: { level: 'block', policy: 'none', max: 0 } })[0]!.level, 'block');
    assert.equal(checkCharter(t('Salut 👋👋'), { emoji: { level: 'warn', policy: 'max', max: 2 } }).length, 0);
  });

  test('language: checked only on reliable detections of long enough text', () => {
    const detect = (text: string) => ({ lang: text.includes('the') ? 'en' : 'fr', reliable: true });
    const rules = { language: { level: 'warn' as const, value: 'fr' } };
    assert.equal(checkCharter(t('This is the launch of our new product line today'), rules, detect)[0]!.rule, 'language');
    assert.equal(checkCharter(t('the end'), rules, detect).length, 0, 'too short to tell');
    assert.equal(checkCharter(t('Voici le lancement de notre nouvelle gamme'), rules, detect).length, 0);
  });

  test('issues name the part they are in', () => {
    const issues = checkCharter([{ field: 'text', text: 'ok' }, { field: 'firstComment', text: 'gratuit' }], { bannedPhrases: { level: 'block', phrases: ['gratuit'] } });
    assert.equal(issues[0]!.field, 'firstComment');
  });
});
