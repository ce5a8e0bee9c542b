/**
 * Moderation on Bluesky: hiding a reply is an entry in the thread's threadgate (`hiddenReplies`), which
 * only the author of the thread's first post can write; blocking is an app.bsky.graph.block record.
 * Replies of others cannot be deleted.
 */
import type { Connector } from '../connector.ts';
import { Rejected } from '../errors.ts';
import { isDmRemoteId } from './bluesky.chat.ts';
import { getOwnRecord, getPosts, type ProfileView, THREADGATE } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc, parseAtUri, xrpcError } from './bluesky.xrpc.ts';

const MAX_HIDDEN_REPLIES = 300;

/** Adds the reply to (or removes it from) the `hiddenReplies` of its thread's threadgate, written with swapRecord. */
async function setHidden(x: BlueskyXrpc, target: { remoteId?: string; root?: string }, hide: boolean): Promise<void> {
  if (!target.remoteId) throw new Rejected('Say which reply to hide', 'invalid_input', { network: 'bluesky' });
  let rootUri = target.root;
  if (rootUri === undefined) {
    const [view] = await getPosts(x, [target.remoteId]);
    if (view === undefined) throw new Rejected('This reply no longer exists on Bluesky', 'not_found', { network: 'bluesky' });
    rootUri = view.record.reply?.root.uri ?? view.uri;
  }
  const root = parseAtUri(rootUri);
  if (root === null || root.did !== x.did) {
    throw new Rejected('On Bluesky only the author of a thread\'s first post can hide replies in it', 'forbidden', { network: 'bluesky' });
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await getOwnRecord(x, THREADGATE, root.rkey);
    const value = existing?.value ?? {};
    const hidden = new Set(Array.isArray(value['hiddenReplies']) ? (value['hiddenReplies'] as string[]) : []);
    if (hide) hidden.add(target.remoteId);
    else hidden.delete(target.remoteId);
    if (hidden.size > MAX_HIDDEN_REPLIES) {
      throw new Rejected(`Bluesky hides at most ${MAX_HIDDEN_REPLIES} replies per thread`, 'invalid_input', { network: 'bluesky' });
    }
    // Keep the thread's reply rules (`allow`) as they are; absent means everyone may reply.
    const record: Record<string, unknown> = { ...value, $type: THREADGATE, post: rootUri, createdAt: value['createdAt'] ?? x.ctx.now().toISOString(), hiddenReplies: [...hidden] };
    const res = await x.call('com.atproto.repo.putRecord', {
      method: 'POST',
      json: { repo: x.did, collection: THREADGATE, rkey: root.rkey, record, swapRecord: existing?.cid ?? null },
      what: hide ? 'hide the reply' : 'show the reply again',
      allow: [400],
    });
    if (res.status === 200) return;
    if (xrpcError(res).error !== 'InvalidSwap') throw new Rejected(`Bluesky refused to update the thread's settings: ${xrpcError(res).message}`, 'invalid_input', { network: 'bluesky', status: 400 });
    // Someone changed the threadgate meanwhile: read it again and retry once.
  }
  throw new Rejected('The thread\'s settings kept changing; try again', 'invalid_input', { network: 'bluesky' });
}

/** `moderate` of the Bluesky connector. */
export const blueskyModeration: Pick<Connector<BlueskyCredentials>, 'moderate'> = {
  async moderate(ctx, action, target) {
    if ((action === 'hide' || action === 'unhide') && target.remoteId !== undefined && isDmRemoteId(target.remoteId)) {
      throw new Rejected('Bluesky cannot hide a direct message; block its author instead', 'unsupported', { network: 'bluesky' });
    }
    const x = new BlueskyXrpc(ctx);
    if (action === 'hide' || action === 'unhide') return setHidden(x, target, action === 'hide');
    if (action === 'block' || action === 'unblock') {
      if (!target.authorRemoteId) throw new Rejected('Say whose account to block', 'invalid_input', { network: 'bluesky' });
      if (action === 'block') {
        await x.call('com.atproto.repo.createRecord', {
          method: 'POST',
          json: { repo: x.did, collection: 'app.bsky.graph.block', record: { $type: 'app.bsky.graph.block', subject: target.authorRemoteId, createdAt: ctx.now().toISOString() } },
          what: 'block the account',
        });
        return;
      }
      const res = await x.call('app.bsky.actor.getProfile', { method: 'GET', params: { actor: target.authorRemoteId }, what: 'read the profile' });
      const blocking = res.json<ProfileView>().viewer?.blocking;
      const p = blocking ? parseAtUri(blocking) : null;
      if (p !== null) await x.call('com.atproto.repo.deleteRecord', { method: 'POST', json: { repo: x.did, collection: p.collection, rkey: p.rkey }, what: 'unblock the account' });
      return;
    }
    throw new Rejected('Bluesky does not let an account delete other people\'s replies; hide the reply or block its author instead', 'unsupported', { network: 'bluesky' });
  },
};
