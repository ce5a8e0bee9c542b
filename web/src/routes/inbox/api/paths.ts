// URL helpers shared by the inbox area's API calls (not re-exported by index.ts: screens call inboxApi).

export const enc = encodeURIComponent;
export const ws = (wid: string) => `/api/workspaces/${enc(wid)}`;
export const inbox = (wid: string) => `${ws(wid)}/inbox`;

export function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
