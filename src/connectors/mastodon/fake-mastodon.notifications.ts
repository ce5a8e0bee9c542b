/**
 * The fake Mastodon's accounts and notifications: verify_credentials, follow/block/unblock, and the
 * notification list (types[], min_id/max_id paging, Link header), newest first as Mastodon answers.
 */
import type { AuthedCall } from './fake-mastodon.state.ts';

/** Answers the account and notification endpoints; false when the request is for another one. */
export async function handleAccountsAndNotifications({ fake, state, method, url, me, ok, notFound }: AuthedCall): Promise<boolean> {
  let m: RegExpExecArray | null;

  if (method === 'GET' && url.pathname === '/api/v1/accounts/verify_credentials') {
    ok({ ...state.accountJson(me), source: { privacy: 'public' } });
    return true;
  }
  if (method === 'POST' && (m = /^\/api\/v1\/accounts\/([^/]+)\/(follow|block|unblock)$/.exec(url.pathname))) {
    const target = state.accounts.get(m[1] ?? '');
    if (!target) return notFound();
    if (m[2] === 'follow') {
      target.followers_count++;
      state.notify('follow', target.id, me.id, null);
    } else if (m[2] === 'block') state.blocks.add(`${me.id}:${target.id}`);
    else state.blocks.delete(`${me.id}:${target.id}`);
    return ok({ id: target.id, following: m[2] === 'follow', blocking: m[2] === 'block' });
  }
  if (method === 'GET' && url.pathname === '/api/v1/notifications') {
    const types = url.searchParams.getAll('types[]');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 40), 80);
    const minId = url.searchParams.get('min_id');
    const maxId = url.searchParams.get('max_id');
    let list = state.notifications
      .filter((n) => n.forAccountId === me.id && (types.length === 0 || types.includes(n.type)))
      .filter((n) => maxId === null || BigInt(n.id) < BigInt(maxId))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    if (minId !== null) {
      // min_id: the page immediately newer than min_id (still returned newest first).
      list = list.filter((n) => BigInt(n.id) > BigInt(minId)).reverse().slice(0, limit).reverse();
    } else {
      list = list.slice(0, limit);
    }
    const headers: Record<string, string> = {};
    const first = list[0];
    const last = list.at(-1);
    if (first && last) {
      const base = `${fake.url}/api/v1/notifications`;
      headers['link'] = `<${base}?max_id=${last.id}>; rel="next", <${base}?min_id=${first.id}>; rel="prev"`;
    }
    return ok(
      list.map((n) => state.notificationJson(n)),
      200,
      headers,
    );
  }
  return false;
}
