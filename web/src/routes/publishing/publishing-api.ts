import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client.ts';
import type {
  ApprovalEvent,
  ApprovalStep,
  BestTimes,
  CalendarRange,
  Campaign,
  Charter,
  CharterRules,
  ComposeCheck,
  ImportReport,
  MediaAsset,
  Plan,
  PlanSlot,
  Post,
  PostInput,
  PostVariant,
  Role,
  ScheduleInput,
  ShortLink,
  Utm,
  VariantInput,
  VariantState,
} from '../../api/types.ts';

const enc = encodeURIComponent;
const ws = (wid: string) => `/api/workspaces/${enc(wid)}`;

function query(params: Record<string, string | number | string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface CalendarFilters {
  channelId?: string[];
  campaignId?: string;
  tag?: string;
  status?: VariantState[];
  authorId?: string;
}

/** Calls of the publishing area: composer, approvals, calendar, plan, charter, media, links, import. */
export const publishingApi = {
  posts: (wid: string, f: { state?: VariantState; limit?: number } = {}) =>
    request<{ posts: Post[]; total: number }>('GET', `${ws(wid)}/posts${query({ ...f })}`),
  post: (wid: string, id: string) => request<{ post: Post }>('GET', `${ws(wid)}/posts/${enc(id)}`),
  createPost: (wid: string, input: PostInput) => request<{ post: Post }>('POST', `${ws(wid)}/posts`, input),
  updatePost: (wid: string, id: string, input: Partial<PostInput>) =>
    request<{ post: Post }>('PATCH', `${ws(wid)}/posts/${enc(id)}`, input),
  deletePost: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/posts/${enc(id)}`),
  duplicate: (wid: string, id: string) => request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/duplicate`),
  validate: (wid: string, variants: VariantInput[]) =>
    request<ComposeCheck>('POST', `${ws(wid)}/compose/validate`, { variants }),
  schedule: (wid: string, id: string, input: ScheduleInput) =>
    request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/schedule`, input),
  unschedule: (wid: string, id: string) => request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/unschedule`),
  move: (wid: string, variantId: string, at: string, wholePost: boolean) =>
    request<{ post: Post }>('PATCH', `${ws(wid)}/variants/${enc(variantId)}/schedule`, { at, wholePost }),
  retry: (wid: string, variantId: string) =>
    request<{ variant: PostVariant }>('POST', `${ws(wid)}/variants/${enc(variantId)}/retry`),
  resolve: (wid: string, variantId: string, outcome: 'published' | 'not_published', url?: string) =>
    request<{ variant: PostVariant }>('POST', `${ws(wid)}/variants/${enc(variantId)}/resolve`, { outcome, ...(url ? { url } : {}) }),

  submit: (wid: string, id: string) => request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/submit`),
  approve: (wid: string, id: string, comment: string) =>
    request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/approve`, { comment }),
  reject: (wid: string, id: string, comment: string) =>
    request<{ post: Post }>('POST', `${ws(wid)}/posts/${enc(id)}/reject`, { comment }),
  history: (wid: string, id: string) => request<{ history: ApprovalEvent[] }>('GET', `${ws(wid)}/posts/${enc(id)}/approvals`),
  approvalInbox: (wid: string) => request<{ posts: Post[] }>('GET', `${ws(wid)}/approvals/inbox`),
  approvalFlow: (wid: string) => request<{ steps: ApprovalStep[] }>('GET', `${ws(wid)}/approval-flow`),

  campaigns: (wid: string) => request<{ campaigns: Campaign[] }>('GET', `${ws(wid)}/campaigns`),
  createCampaign: (wid: string, name: string, color: string) =>
    request<{ campaign: Campaign }>('POST', `${ws(wid)}/campaigns`, { name, color }),

  charter: (wid: string) => request<Charter>('GET', `${ws(wid)}/charter`),
  saveCharter: (wid: string, input: { toneNotes: string; rules: CharterRules }) =>
    request<Charter>('PUT', `${ws(wid)}/charter`, input),

  calendar: (wid: string, from: string, to: string, f: CalendarFilters) =>
    request<CalendarRange>('GET', `${ws(wid)}/calendar${query({ from, to, ...f })}`),
  plan: (wid: string) => request<Plan>('GET', `${ws(wid)}/plan`),
  savePlan: (wid: string, slots: PlanSlot[]) =>
    request<Plan>('PUT', `${ws(wid)}/plan`, { slots: slots.map(({ channelId, weekdays, time, label }) => ({ channelId, weekdays, time, label })) }),
  bestTimes: (wid: string) => request<BestTimes>('GET', `${ws(wid)}/best-times`),

  media: (wid: string, kind?: 'image' | 'video') =>
    request<{ media: MediaAsset[]; total: number }>('GET', `${ws(wid)}/media${query({ kind, limit: 200 })}`),
  upload: (wid: string, input: { dataBase64: string; filename: string; altText: string; mimeType?: string }) =>
    request<{ media: MediaAsset }>('POST', `${ws(wid)}/media`, input),
  updateMedia: (wid: string, id: string, input: { altText?: string; filename?: string }) =>
    request<{ media: MediaAsset }>('PATCH', `${ws(wid)}/media/${enc(id)}`, input),
  deleteMedia: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/media/${enc(id)}`),
  mediaUrl: (wid: string, id: string) => `${ws(wid)}/media/${enc(id)}/content`,

  createLink: (wid: string, url: string, utm: Utm, variantId?: string) =>
    request<{ link: ShortLink }>('POST', `${ws(wid)}/links`, { url, utm, ...(variantId ? { variantId } : {}) }),
  shortenLinks: (wid: string, variantId: string, utm: Utm) =>
    request<{ text: string; links: ShortLink[] }>('POST', `${ws(wid)}/variants/${enc(variantId)}/shorten-links`, { utm }),
  links: (wid: string, postId: string) => request<{ links: ShortLink[] }>('GET', `${ws(wid)}/links${query({ postId })}`),

  importCsv: (wid: string, input: { csv: string; dryRun: boolean; importValidRows: boolean; then: 'draft' | 'submit' | 'schedule' }) =>
    request<ImportReport>('POST', `${ws(wid)}/imports/csv`, input),
};

/** Query keys; the shell's event stream invalidates `['workspace', wid, 'publishing']` on post and charter events. */
export const pubKeys = {
  all: (wid: string) => ['workspace', wid, 'publishing'] as const,
  post: (wid: string, id: string) => ['workspace', wid, 'publishing', 'post', id] as const,
  history: (wid: string, id: string) => ['workspace', wid, 'publishing', 'history', id] as const,
  inbox: (wid: string) => ['workspace', wid, 'publishing', 'inbox'] as const,
  calendar: (wid: string, from: string, to: string, f: CalendarFilters) => ['workspace', wid, 'publishing', 'calendar', from, to, f] as const,
  charter: (wid: string) => ['workspace', wid, 'publishing', 'charter'] as const,
  plan: (wid: string) => ['workspace', wid, 'publishing', 'plan'] as const,
  campaigns: (wid: string) => ['workspace', wid, 'publishing', 'campaigns'] as const,
  media: (wid: string) => ['workspace', wid, 'publishing', 'media'] as const,
  bestTimes: (wid: string) => ['workspace', wid, 'publishing', 'best-times'] as const,
  links: (wid: string, id: string) => ['workspace', wid, 'publishing', 'links', id] as const,
};

export function useCharter(wid: string) {
  return useQuery({ queryKey: pubKeys.charter(wid), queryFn: () => publishingApi.charter(wid) });
}
export function useCampaigns(wid: string) {
  return useQuery({ queryKey: pubKeys.campaigns(wid), queryFn: () => publishingApi.campaigns(wid) });
}
export function usePlan(wid: string) {
  return useQuery({ queryKey: pubKeys.plan(wid), queryFn: () => publishingApi.plan(wid) });
}
export function useMediaLibrary(wid: string) {
  return useQuery({ queryKey: pubKeys.media(wid), queryFn: () => publishingApi.media(wid) });
}
export function useBestTimes(wid: string) {
  return useQuery({ queryKey: pubKeys.bestTimes(wid), queryFn: () => publishingApi.bestTimes(wid) });
}

// Mirrors src/platform/policy.ts for what these pages show; the API decides.
const PERMISSIONS = {
  'post.draft': ['owner', 'admin', 'editor', 'contributor'],
  'post.publish': ['owner', 'admin', 'editor'],
  'post.approve': ['owner', 'admin', 'editor', 'client'],
  'charter.manage': ['owner', 'admin', 'editor'],
  'workspace.update': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

/** Whether `role` may do `permission` (to hide what the API would refuse). */
export function may(role: Role, permission: keyof typeof PERMISSIONS): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Reads a File as base64 (without the data: prefix). */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

/** Colour of each variant state (badges, calendar). */
export const STATE_COLORS: Record<VariantState, string> = {
  draft: 'gray',
  in_review: 'yellow',
  approved: 'cyan',
  scheduled: 'indigo',
  publishing: 'blue',
  published: 'teal',
  failed: 'red',
  unknown: 'orange',
};

