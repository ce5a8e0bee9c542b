/**
 * Bluesky rich-text facets: links, mentions and tags with UTF-8 byte offsets
 * (`app.bsky.richtext.facet`). Mentions need the author's DID, so the caller passes a resolver (the
 * Bluesky connector resolves handles through the network at publish time); an unresolvable handle stays
 * plain text, as in the Bluesky app.
 */
import { detectLinks, detectMentions, detectTags } from './detect.ts';
import { utf8Offsets } from './unicode.ts';

export type FacetFeature =
  | { $type: 'app.bsky.richtext.facet#link'; uri: string }
  | { $type: 'app.bsky.richtext.facet#mention'; did: string }
  | { $type: 'app.bsky.richtext.facet#tag'; tag: string };

export interface Facet {
  $type: 'app.bsky.richtext.facet';
  index: { byteStart: number; byteEnd: number };
  features: FacetFeature[];
}

/** Returns the DID of a handle, or null when it does not resolve. */
export type HandleResolver = (handle: string) => Promise<string | null>;

/**
 * Facets of `text`, sorted by position, never overlapping (a mention inside a link is dropped).
 *
 * @example await buildFacets('hi @bob.test', async () => 'did:plc:bob')
 *   // [{ index: { byteStart: 3, byteEnd: 12 }, features: [{ $type: '…#mention', did: 'did:plc:bob' }] }]
 */
export async function buildFacets(text: string, resolveHandle: HandleResolver): Promise<Facet[]> {
  const offsets = utf8Offsets(text);
  const spans: Array<{ start: number; end: number; feature: FacetFeature }> = [];
  for (const link of detectLinks(text)) {
    spans.push({ start: link.start, end: link.end, feature: { $type: 'app.bsky.richtext.facet#link', uri: link.uri } });
  }
  const resolved = new Map<string, string | null>();
  for (const mention of detectMentions(text)) {
    if (!resolved.has(mention.handle)) resolved.set(mention.handle, await resolveHandle(mention.handle));
    const did = resolved.get(mention.handle);
    if (did) spans.push({ start: mention.start, end: mention.end, feature: { $type: 'app.bsky.richtext.facet#mention', did } });
  }
  for (const tag of detectTags(text)) {
    spans.push({ start: tag.start, end: tag.end, feature: { $type: 'app.bsky.richtext.facet#tag', tag: tag.tag } });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const facets: Facet[] = [];
  let lastEnd = -1;
  for (const span of spans) {
    if (span.start < lastEnd) continue; // overlaps an earlier (longer) facet
    lastEnd = span.end;
    facets.push({
      $type: 'app.bsky.richtext.facet',
      index: { byteStart: offsets.toUtf8(span.start), byteEnd: offsets.toUtf8(span.end) },
      features: [span.feature],
    });
  }
  return facets;
}

/** The text a facet covers (decoding its byte range), e.g. to check offsets. */
export function facetText(text: string, facet: Facet): string {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(bytes.slice(facet.index.byteStart, facet.index.byteEnd));
}
