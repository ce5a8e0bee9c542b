/**
 * Publishing on Bluesky: posts, threads and replies (or, to a DM, a message in its conversation),
 * reconciliation (`findPublished`) and deletion.
 *
 * Exactly-once: each post's record key is derived from the idempotency key and the scheduled time
 * (`tidFor`), and it is written with `putRecord` + `swapRecord: null` ("create only if absent"), so a
 * retry can never make a second post and `findPublished` is a direct lookup.
 */
import type { Connector, ConnectorContext, Limits, MediaInput, Published, PublishedPart, ValidationIssue, Variant, VariantPart } from '../connector.ts';
import { Rejected, rejectedByValidation } from '../errors.ts';
import { buildFacets } from '../text/facets.ts';
import { validateVariant } from '../text/validate.ts';
import type { SentDm } from './bluesky.chat.ts';
import { dmLimits, dmRemoteId, findDm, isDmRemoteId, parseDmRemoteId, sendDm } from './bluesky.chat.ts';
import { type BlueskyLinks, getOwnRecord, getPosts, POST, resolveHandle, type StrongRef, THREADGATE } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc, parseAtUri, tidFor, xrpcError } from './bluesky.xrpc.ts';

/** Bluesky's limits are the same for every account (app.bsky.feed.post lexicon, embed.images). */
export const blueskyLimits: Limits = {
  text: { maxLength: 300, counting: 'graphemes', maxBytes: 3000, urlLength: null },
  media: { maxCount: 4, maxImageBytes: 1_000_000, imageMimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxAltTextLength: 2000 },
  maxThreadParts: 25,
  maxLanguages: 3,
};

/** A post variant checked against Bluesky's limits (the connector's `validate`). */
export function validatePost(variant: Variant, limits: Limits): ValidationIssue[] {
  return validateVariant(variant, limits, { thread: true, reply: true, contentWarning: false });
}

function parts(variant: Variant): VariantPart[] {
  return [{ text: variant.text, ...(variant.media ? { media: variant.media } : {}) }, ...(variant.thread ?? [])];
}

function published(list: PublishedPart[]): Published {
  const first = list[0];
  if (first === undefined) throw new Error('published() needs at least one part');
  return { remoteId: first.remoteId, url: first.url, publishedAt: first.publishedAt, parts: list };
}

/** `publish`, `findPublished` and `deletePost` of the Bluesky connector. */
export function createBlueskyPublishing({ appUrl, postUrl }: BlueskyLinks): Pick<Connector<BlueskyCredentials>, 'publish' | 'findPublished' | 'deletePost'> {
  async function uploadImage(x: BlueskyXrpc, media: MediaInput): Promise<unknown> {
    // An upload that fails leaves at worst an unreferenced blob: not a publish, so not `write`.
    const res = await x.call('com.atproto.repo.uploadBlob', { method: 'POST', bytes: { data: media.bytes, mimeType: media.mimeType }, what: 'upload an image' });
    return res.json<{ blob: unknown }>().blob;
  }

  function toPart(index: number, ref: StrongRef, createdAt: string, handle: string): PublishedPart {
    return { index, remoteId: ref.uri, url: postUrl(ref.uri, handle), publishedAt: new Date(createdAt) };
  }

  const dmPublished = (sent: SentDm): Published =>
    published([{ index: 0, remoteId: dmRemoteId(sent.convoId, sent.messageId), url: `${appUrl}/messages/${encodeURIComponent(sent.convoId)}`, publishedAt: sent.sentAt }]);

  /** A reply to a DM: `sendMessage` in its conversation, validated against the DM limits (1,000 graphemes, text only). */
  async function publishDm(ctx: ConnectorContext<BlueskyCredentials>, variant: Variant, convoId: string): Promise<Published> {
    const issues = validateVariant(variant, dmLimits, { thread: false, reply: true, contentWarning: false });
    if (issues.length > 0) throw rejectedByValidation(issues, 'bluesky');
    const x = new BlueskyXrpc(ctx);
    const facets = await buildFacets(variant.text, (h) => resolveHandle(x, h));
    const sent = await sendDm(x, convoId, variant.text, facets);
    ctx.log.info({ network: 'bluesky', convoId, messageId: sent.messageId }, 'direct message sent');
    return dmPublished(sent);
  }

  return {
    async publish(ctx, request) {
      // A reply to a DM is a message in its conversation, not a post.
      const dm = request.variant.replyTo === undefined ? null : parseDmRemoteId(request.variant.replyTo);
      if (dm !== null) return publishDm(ctx, request.variant, dm.convoId);
      const issues = validatePost(request.variant, request.limits ?? blueskyLimits);
      if (issues.length > 0) throw rejectedByValidation(issues, 'bluesky');
      const x = new BlueskyXrpc(ctx);
      const handle = ctx.credentials.handle;
      const done = new Map((request.done ?? []).map((p) => [p.index, p]));
      let root: StrongRef | null = null;
      let parent: StrongRef | null = null;
      if (request.variant.replyTo !== undefined) {
        const [view] = await getPosts(x, [request.variant.replyTo]);
        if (view === undefined) throw new Rejected('The post to reply to does not exist (anymore) on Bluesky', 'not_found', { network: 'bluesky' });
        parent = { uri: view.uri, cid: view.cid };
        root = view.record.reply?.root ?? parent;
      }
      const result: PublishedPart[] = [];
      for (const [index, part] of parts(request.variant).entries()) {
        const rkey = tidFor(request.idempotencyKey, request.scheduledAt, index);
        const known = done.get(index);
        let ref: StrongRef | null = null;
        let createdAt = '';
        if (known !== undefined) {
          const existing = await getOwnRecord(x, POST, parseAtUri(known.remoteId)?.rkey ?? rkey);
          if (existing === null) throw new Rejected(`Part ${index + 1} was published earlier but no longer exists; it will not be published again`, 'not_found', { network: 'bluesky' });
          ref = { uri: existing.uri, cid: existing.cid };
          createdAt = String(existing.value['createdAt'] ?? known.publishedAt.toISOString());
        } else {
          const images = [];
          for (const media of part.media ?? []) images.push({ alt: media.altText ?? '', image: await uploadImage(x, media) });
          createdAt = ctx.now().toISOString();
          const record: Record<string, unknown> = { $type: POST, text: part.text, createdAt };
          const facets = await buildFacets(part.text, (h) => resolveHandle(x, h));
          if (facets.length > 0) record['facets'] = facets;
          if (request.variant.language) record['langs'] = [request.variant.language];
          if (images.length > 0) record['embed'] = { $type: 'app.bsky.embed.images', images };
          if (parent !== null && root !== null) record['reply'] = { root, parent };
          const res = await x.call('com.atproto.repo.putRecord', {
            method: 'POST',
            // swapRecord null = create only if no record has this key: a retry cannot duplicate.
            json: { repo: x.did, collection: POST, rkey, record, swapRecord: null },
            write: true,
            what: index === 0 ? 'publish the post' : `publish part ${index + 1} of the thread`,
            allow: [400],
          });
          if (res.status === 200) {
            ref = res.json<StrongRef>();
          } else if (xrpcError(res).error === 'InvalidSwap') {
            // Already created by an earlier attempt under the same idempotency key.
            const existing = await getOwnRecord(x, POST, rkey);
            if (existing === null) throw new Rejected('Bluesky reported a conflicting record that cannot be read', 'invalid_input', { network: 'bluesky' });
            ref = { uri: existing.uri, cid: existing.cid };
            createdAt = String(existing.value['createdAt'] ?? createdAt);
          } else {
            const { message, error } = xrpcError(res);
            throw new Rejected(`Bluesky refused to publish: ${message ?? error}`, /longer than|graphemes/i.test(message ?? '') ? 'too_long' : 'invalid_input', { network: 'bluesky', status: 400 });
          }
          const publishedPart = toPart(index, ref, createdAt, handle);
          await request.onPart?.(publishedPart);
          ctx.log.info({ network: 'bluesky', uri: ref.uri, part: index }, 'published');
        }
        result.push(toPart(index, ref, createdAt, handle));
        parent = ref;
        root ??= ref;
      }
      return published(result);
    },

    async findPublished(ctx, request) {
      const x = new BlueskyXrpc(ctx);
      const dm = request.variant.replyTo === undefined ? null : parseDmRemoteId(request.variant.replyTo);
      if (dm !== null) {
        // sendMessage has no idempotency key: our message with the same text since the reply was created.
        const found = await findDm(x, dm.convoId, request.variant.text, request.since);
        return found === null ? null : dmPublished(found);
      }
      const found: PublishedPart[] = [];
      for (const [index] of parts(request.variant).entries()) {
        const record = await getOwnRecord(x, POST, tidFor(request.idempotencyKey, request.since, index));
        if (record === null) break;
        found.push(toPart(index, record, String(record.value['createdAt'] ?? ctx.now().toISOString()), ctx.credentials.handle));
      }
      return found.length === 0 ? null : published(found);
    },

    async deletePost(ctx, remoteId) {
      if (isDmRemoteId(remoteId)) throw new Rejected('Passerelle does not delete direct messages on Bluesky', 'unsupported', { network: 'bluesky' });
      const x = new BlueskyXrpc(ctx);
      const p = parseAtUri(remoteId);
      if (p === null || p.did !== x.did || p.collection !== POST) {
        throw new Rejected('Only this account\'s own posts can be deleted', 'forbidden', { network: 'bluesky' });
      }
      await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: POST, rkey: p.rkey }, what: 'delete the post' });
      // Its threadgate (hidden replies) has the same key; remove it too (no-op when absent).
      await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: THREADGATE, rkey: p.rkey }, what: 'delete the thread settings' });
    },
  };
}
