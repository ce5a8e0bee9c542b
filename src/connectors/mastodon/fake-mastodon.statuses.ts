/**
 * The fake Mastodon's statuses and media: uploads (202 then 206 while processing), posting with
 * Idempotency-Key and the instance's limits, a status and its source, context, delete, favourite,
 * reblog, an account's statuses, and search. Posting notifies the parent's author and mentioned accounts.
 */
import type { AuthedCall, Status } from './fake-mastodon.state.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Characters as Mastodon counts them: graphemes, every URL as `charactersReservedPerUrl`. */
function countLength(text: string, charactersReservedPerUrl: number): number {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const replaced = text.replace(/https?:\/\/\S+/g, 'x'.repeat(charactersReservedPerUrl));
  return [...seg.segment(replaced)].length;
}

/** Answers the statuses, media and search endpoints; false when the request is for another one. */
export async function handleStatuses({ fake, state, method, url, idempotencyKey, send, readBody, me, rl, ok, notFound }: AuthedCall): Promise<boolean> {
  let m: RegExpExecArray | null;

  if (method === 'POST' && url.pathname === '/api/v2/media') {
    const body = await readBody();
    const file = body['file'];
    if (!(file instanceof Blob)) {
      send(422, { error: 'Validation failed: File can\'t be blank' }, rl);
      return true;
    }
    if (!['image/jpeg', 'image/png', 'image/gif', 'image/webp'].includes(file.type)) {
      send(422, { error: 'Validation failed: File file type is not supported' }, rl);
      return true;
    }
    if (file.size > fake.options.imageSizeLimit) {
      send(422, { error: `Validation failed: File file size must be less than ${fake.options.imageSizeLimit} bytes` }, rl);
      return true;
    }
    const id = state.id();
    const description = body['description'] === undefined ? null : String(body['description']);
    state.media.set(id, { pollsLeft: fake.mediaProcessingPolls, description, accountId: me.id });
    const processing = fake.mediaProcessingPolls > 0;
    ok({ id, type: 'image', url: processing ? null : `${fake.url}/media/${id}.png`, preview_url: `${fake.url}/media/${id}-small.png`, description }, processing ? 202 : 200);
    return true;
  }
  if (method === 'GET' && (m = /^\/api\/v1\/media\/([^/]+)$/.exec(url.pathname))) {
    const media = state.media.get(m[1] ?? '');
    if (!media || media.accountId !== me.id) return notFound();
    if (media.pollsLeft > 0) {
      media.pollsLeft--;
      ok({ id: m[1], type: 'image', url: null, description: media.description }, 206);
      return true;
    }
    ok({ id: m[1], type: 'image', url: `${fake.url}/media/${m[1]}.png`, description: media.description });
    return true;
  }
  if (method === 'POST' && url.pathname === '/api/v1/statuses') {
    const key = idempotencyKey ? `${me.id}:${idempotencyKey}` : null;
    const replayed = key ? state.idempotency.get(key) : undefined;
    if (replayed !== undefined) {
      const existing = state.statuses.get(replayed);
      if (existing) return ok(state.statusJson(existing));
    }
    const body = await readBody();
    const text = String(body['status'] ?? '');
    const mediaIds = (body['media_ids'] as string[] | undefined) ?? [];
    if (text.trim() === '' && mediaIds.length === 0) {
      send(422, { error: 'Validation failed: Text can\'t be blank' }, rl);
      return true;
    }
    const length = countLength(text, fake.options.charactersReservedPerUrl) + countLength(String(body['spoiler_text'] ?? ''), fake.options.charactersReservedPerUrl);
    if (length > fake.options.maxCharacters) {
      send(422, { error: `Validation failed: Text character limit of ${fake.options.maxCharacters} exceeded` }, rl);
      return true;
    }
    if (mediaIds.length > fake.options.maxMediaAttachments) {
      send(422, { error: `Validation failed: Media attachments cannot exceed ${fake.options.maxMediaAttachments}` }, rl);
      return true;
    }
    for (const id of mediaIds) {
      const media = state.media.get(id);
      if (!media || media.accountId !== me.id) {
        send(422, { error: 'Validation failed: Media attachment ids are invalid' }, rl);
        return true;
      }
      if (media.pollsLeft > 0) {
        send(422, { error: 'Cannot attach files that have not finished processing. Try again in a moment!' }, rl);
        return true;
      }
    }
    const inReplyToId = body['in_reply_to_id'] === undefined ? null : String(body['in_reply_to_id']);
    const parent = inReplyToId === null ? undefined : state.statuses.get(inReplyToId);
    if (inReplyToId !== null && (!parent || parent.deleted)) return notFound();
    const id = state.id();
    const linked = escapeHtml(text)
      .replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}" rel="nofollow noopener" target="_blank">${u}</a>`)
      .replace(/(^|\s)@(\w+)(@[\w.-]+)?/g, (_w, pre: string, user: string) => `${pre}<span class="h-card"><a href="${fake.url}/@${user}" class="u-url mention">@<span>${user}</span></a></span>`)
      .replace(/\n/g, '<br />');
    const status: Status = {
      id,
      uri: `${fake.url}/users/${me.username}/statuses/${id}`,
      url: `${fake.url}/@${me.username}/${id}`,
      created_at: new Date().toISOString(),
      content: `<p>${linked}</p>`,
      text,
      spoiler_text: String(body['spoiler_text'] ?? ''),
      visibility: String(body['visibility'] ?? 'public'),
      language: body['language'] === undefined ? null : String(body['language']),
      in_reply_to_id: inReplyToId,
      in_reply_to_account_id: parent ? parent.accountId : null,
      accountId: me.id,
      media_attachments: mediaIds.map((mid) => ({ id: mid, type: 'image', description: state.media.get(mid)?.description ?? null })),
      favourites: new Set(),
      reblogs: new Set(),
      deleted: false,
    };
    state.statuses.set(id, status);
    if (key) state.idempotency.set(key, id);
    const notified = new Set<string>();
    if (parent) {
      state.notify('mention', parent.accountId, me.id, id);
      notified.add(parent.accountId);
    }
    for (const match of text.matchAll(/(?:^|\s)@(\w+)/g)) {
      const target = [...state.accounts.values()].find((a) => a.username === match[1]);
      if (target && !notified.has(target.id)) {
        state.notify('mention', target.id, me.id, id);
        notified.add(target.id);
      }
    }
    ok(state.statusJson(status));
    return true;
  }
  if ((m = /^\/api\/v1\/statuses\/([^/]+)(\/[a-z]+)?$/.exec(url.pathname))) {
    const status = state.statuses.get(m[1] ?? '');
    const action = m[2] ?? '';
    if (!status || status.deleted) return notFound();
    if (method === 'GET' && action === '') return ok(state.statusJson(status));
    if (method === 'GET' && action === '/source') {
      if (status.accountId !== me.id) return notFound();
      return ok({ id: status.id, text: status.text, spoiler_text: status.spoiler_text });
    }
    if (method === 'GET' && action === '/context') {
      const descendants: Status[] = [];
      const walk = (parentId: string) => {
        for (const s of state.statuses.values()) {
          if (s.in_reply_to_id === parentId && !s.deleted) {
            descendants.push(s);
            walk(s.id);
          }
        }
      };
      walk(status.id);
      return ok({ ancestors: [], descendants: descendants.map((s) => state.statusJson(s)) });
    }
    if (method === 'DELETE' && action === '') {
      if (status.accountId !== me.id) return notFound();
      status.deleted = true;
      return ok({ ...state.statusJson(status), text: status.text });
    }
    if (method === 'POST' && action === '/favourite') {
      status.favourites.add(me.id);
      state.notify('favourite', status.accountId, me.id, status.id);
      return ok(state.statusJson(status));
    }
    if (method === 'POST' && action === '/reblog') {
      status.reblogs.add(me.id);
      state.notify('reblog', status.accountId, me.id, status.id);
      return ok(state.statusJson(status));
    }
  }
  if (method === 'GET' && (m = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(url.pathname))) {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const maxId = url.searchParams.get('max_id');
    const list = fake.statusesOf(m[1] ?? '')
      .filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .slice(0, limit);
    return ok(list.map((s) => state.statusJson(s)));
  }
  if (method === 'GET' && url.pathname === '/api/v2/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const found = [...state.statuses.values()].filter((s) => !s.deleted && s.text.toLowerCase().includes(q)).slice(offset, offset + limit);
    return ok({ accounts: [], hashtags: [], statuses: found.map((s) => state.statusJson(s)) });
  }
  return false;
}
