import type { MediaAsset, MediaRef, Post, VariantInput } from '../../api/types.ts';

/** What one channel publishes: the post, its thread, a first comment, a content warning. */
export interface Content {
  text: string;
  media: MediaRef[];
  thread: { text: string; media: MediaRef[] }[];
  firstComment: string;
  contentWarning: string;
}

/** The composer's state: shared content, and per channel a variant that follows it or diverges. */
export interface Draft {
  title: string;
  campaignId: string | null;
  tags: string[];
  channelIds: string[];
  shared: Content;
  variants: Record<string, { content: Content; diverged: boolean }>;
}

export const emptyContent = (): Content => ({ text: '', media: [], thread: [], firstComment: '', contentWarning: '' });

export const emptyDraft = (): Draft => ({ title: '', campaignId: null, tags: [], channelIds: [], shared: emptyContent(), variants: {} });

/** The content a channel publishes. */
export function contentFor(draft: Draft, channelId: string): Content {
  const v = draft.variants[channelId];
  return v?.diverged ? v.content : draft.shared;
}

/** Changes one channel's content; the first change makes it diverge from the shared text. */
export function editVariant(draft: Draft, channelId: string, change: (c: Content) => Content): Draft {
  const current = contentFor(draft, channelId);
  return { ...draft, variants: { ...draft.variants, [channelId]: { content: change(current), diverged: true } } };
}

/** The API's variant for a channel (`id` keeps an existing variant when editing). */
export function toVariantInput(draft: Draft, channelId: string, id?: string): VariantInput {
  const c = contentFor(draft, channelId);
  return {
    ...(id ? { id } : {}),
    channelId,
    text: c.text,
    media: c.media,
    thread: c.thread.filter((p) => p.text.trim() !== '' || p.media.length > 0),
    firstComment: c.firstComment.trim() ? c.firstComment : null,
    contentWarning: c.contentWarning.trim() ? c.contentWarning : null,
    language: null,
  };
}

const fromVariant = (v: Post['variants'][number]): Content => ({
  text: v.text,
  media: v.media,
  thread: v.thread.map((p) => ({ text: p.text, media: p.media })),
  firstComment: v.firstComment ?? '',
  contentWarning: v.contentWarning ?? '',
});

/** A saved post back into the composer: the first variant is the shared text; others diverge when different. */
export function draftFromPost(post: Post): Draft {
  const first = post.variants[0];
  const shared = first ? fromVariant(first) : emptyContent();
  const variants: Draft['variants'] = {};
  for (const v of post.variants) {
    const content = fromVariant(v);
    variants[v.channelId] = { content, diverged: JSON.stringify(content) !== JSON.stringify(shared) };
  }
  return {
    title: post.title,
    campaignId: post.campaign?.id ?? null,
    tags: post.tags,
    channelIds: post.variants.map((v) => v.channelId),
    shared,
    variants,
  };
}

/** Remembers file names of picked assets for the composer's lists. */
export type AssetNames = Record<string, Pick<MediaAsset, 'filename' | 'kind'>>;
