/**
 * Google Business Profile: endpoints, API shapes (the fields Passerelle reads), credentials, and one
 * authenticated call that maps Google's error answers to the typed errors. Documented at
 * https://developers.google.com/my-business/reference/rest (v4 reviews, Account Management v1,
 * Business Information v1) and https://developers.google.com/identity/protocols/oauth2/web-server.
 */
import type { Interaction, RemoteAuthor } from '../connector.ts';
import { AuthExpired, Rejected, Transient } from '../errors.ts';
import type { CallResult, CallSpec, HttpContext } from '../http.ts';
import { HttpClient } from '../http.ts';

export const GOOGLE_BUSINESS_SCOPE = 'https://www.googleapis.com/auth/business.manage';

/** Where each Google service lives. Injectable so tests talk to a local fake, never to Google. */
export interface GoogleEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  /** Account Management API v1 (accounts.list). */
  accountManagement: string;
  /** Business Information API v1 (accounts.locations.list). */
  businessInformation: string;
  /** My Business API v4 (reviews and replies). */
  reviews: string;
}

export const GOOGLE_ENDPOINTS: GoogleEndpoints = {
  authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
  revoke: 'https://oauth2.googleapis.com/revoke',
  accountManagement: 'https://mybusinessaccountmanagement.googleapis.com/v1',
  businessInformation: 'https://mybusinessbusinessinformation.googleapis.com/v1',
  reviews: 'https://mybusiness.googleapis.com/v4',
};

/**
 * Every endpoint under one origin (the layout of `fake-google-business.ts`); `null` = Google itself.
 * @example googleEndpoints('http://127.0.0.1:4000').token // 'http://127.0.0.1:4000/token'
 */
export function googleEndpoints(apiBase: string | null): GoogleEndpoints {
  if (apiBase === null) return GOOGLE_ENDPOINTS;
  const base = apiBase.replace(/\/$/, '');
  return {
    authorize: `${base}/o/oauth2/v2/auth`,
    token: `${base}/token`,
    revoke: `${base}/revoke`,
    accountManagement: `${base}/accountmanagement/v1`,
    businessInformation: `${base}/businessinformation/v1`,
    reviews: `${base}/v4`,
  };
}

/** The operator's OAuth client (PASSERELLE_GOOGLE_CLIENT_ID / _SECRET). */
export interface GoogleClient {
  clientId: string;
  clientSecret: string;
}

/**
 * What the channels module stores (encrypted) for one location channel. Several channels connected in
 * one consent hold the same refresh token (`grantId` names that consent).
 */
export interface GoogleBusinessCredentials extends GoogleClient {
  accessToken: string;
  /** When `accessToken` stops working (about an hour after it was issued). */
  accessTokenExpiresAt: string;
  refreshToken: string;
  /**
   * The Google user who consented (`google-user:<sub>`): revoking any of their tokens revokes
   * Passerelle's access for every channel they connected, so the channels module revokes only when
   * the last such channel goes.
   */
  grantId: string;
  /** `accounts/{accountId}` */
  account: string;
  /** `locations/{locationId}` */
  location: string;
  locationTitle: string;
  /** The location on Google Maps, when Google gives it. */
  mapsUri: string | null;
  /** Base URL of a local fake (tests); null for Google. */
  apiBase: string | null;
}

/** A token endpoint answer (authorization code or refresh token grant). */
export interface GoogleTokenResponse {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

export interface GoogleAccount {
  name: string;
  accountName?: string;
  type?: string;
  role?: string;
}

export interface GoogleLocation {
  /** `locations/{locationId}` */
  name: string;
  title?: string;
  storefrontAddress?: { addressLines?: string[]; locality?: string; postalCode?: string; regionCode?: string };
  metadata?: { mapsUri?: string; newReviewUri?: string; placeId?: string };
}

export type StarRating = 'STAR_RATING_UNSPECIFIED' | 'ONE' | 'TWO' | 'THREE' | 'FOUR' | 'FIVE';

export interface GoogleReview {
  /** `accounts/{a}/locations/{l}/reviews/{r}` */
  name: string;
  reviewId: string;
  reviewer?: { profilePhotoUrl?: string; displayName?: string; isAnonymous?: boolean };
  starRating?: StarRating;
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
}

export interface GoogleReviewList {
  reviews?: GoogleReview[];
  averageRating?: number;
  totalReviewCount?: number;
  nextPageToken?: string;
}

/** Google's error envelope (`google.rpc.Status`). */
interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; reason?: string; metadata?: Record<string, string> }[];
  } | string;
  error_description?: string;
}

const STARS: Record<string, number> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 };

/** `FOUR` → 4; null when Google gives no rating. */
export function starsOf(rating: StarRating | undefined): number | null {
  return rating === undefined ? null : (STARS[rating] ?? null);
}

/** The v4 resource of a location: `accounts/{a}/locations/{l}`. */
export function v4Location(credentials: Pick<GoogleBusinessCredentials, 'account' | 'location'>): string {
  return `${credentials.account}/${credentials.location}`;
}

/** Google uses no rate-limit headers; 429 is handled by the HTTP client (Retry-After or one minute). */
export const noRateLimitHeaders = () => null;

/** Reviewer as an author. Anonymous reviewers (and those Google hides) share one "anonymous" identity per channel. */
export function reviewerOf(review: GoogleReview): RemoteAuthor {
  const r = review.reviewer ?? {};
  if (r.isAnonymous || !r.displayName) {
    return { remoteId: 'anonymous', handle: 'anonymous', displayName: null, avatarUrl: null };
  }
  // Google gives no stable reviewer id in v4: the display name is the best identity there is.
  return { remoteId: `reviewer:${r.displayName}`, handle: r.displayName, displayName: r.displayName, avatarUrl: r.profilePhotoUrl ?? null };
}

/** A review as an inbox interaction (its first version: remote id = the review's name). */
export function reviewInteraction(review: GoogleReview, mapsUri: string | null): Interaction {
  return {
    remoteId: review.name,
    kind: 'review',
    author: reviewerOf(review),
    text: review.comment ?? '',
    createdAt: new Date(review.createTime),
    inReplyTo: null,
    root: null,
    url: mapsUri,
    rating: starsOf(review.starRating),
    raw: { reviewId: review.reviewId, updateTime: review.updateTime },
  };
}

/**
 * An edit of a review we already hold: a new message of the review's conversation. Its remote id is
 * `<review name>@<updateTime>` (one per edit, so ingest stays idempotent on it); it answers the
 * review (`inReplyTo` = the review's name) so ingest threads it into the review's conversation.
 */
export function reviewEditInteraction(review: GoogleReview, mapsUri: string | null): Interaction {
  return {
    ...reviewInteraction(review, mapsUri),
    remoteId: `${review.name}@${review.updateTime}`,
    kind: 'reply',
    createdAt: new Date(review.updateTime),
    inReplyTo: review.name,
    raw: { reviewId: review.reviewId, updateTime: review.updateTime, edit: true },
  };
}

/** The review a reply target names: a review's name, or one of its edits (`<name>@<time>`). */
export function reviewNameOf(remoteId: string): string {
  const at = remoteId.indexOf('@');
  const name = at === -1 ? remoteId : remoteId.slice(0, at);
  if (!/^accounts\/[^/]+\/locations\/[^/]+\/reviews\/[^/@]+$/.test(name)) {
    throw new Rejected(`"${remoteId.slice(0, 200)}" is not a Google review`, 'invalid_input', { network: 'google-business' });
  }
  return name;
}

/** The message of a Google error answer, for humans (never includes tokens). */
export function googleMessage(res: CallResult): string {
  try {
    const body = JSON.parse(res.text) as GoogleErrorBody;
    if (typeof body.error === 'object' && body.error?.message) return body.error.message;
    if (typeof body.error === 'string') return body.error_description ? `${body.error}: ${body.error_description}` : body.error;
  } catch {
    // not JSON
  }
  return res.text.slice(0, 200) || `HTTP ${res.status}`;
}

/**
 * True when Google says this project's quota is 0: Business Profile APIs start at 0 requests per
 * minute until Google approves the project's access request (a 403 or a 429 carrying
 * `quota_limit_value: "0"`, or the "quota … 0" message).
 */
export function quotaIsZero(text: string): boolean {
  try {
    const body = JSON.parse(text) as GoogleErrorBody;
    if (typeof body.error !== 'object' || !body.error) return false;
    if (body.error.details?.some((d) => d.metadata?.['quota_limit_value'] === '0')) return true;
    return /quota/i.test(body.error.message ?? '') && /\blimit(?: value)?:? ?'?0'?\b/i.test(body.error.message ?? '');
  } catch {
    return false;
  }
}

/** The refusal every call makes while the project has no Business Profile API access yet. */
export function apiNotApproved(status: number): Rejected {
  return new Rejected(
    'Google has not approved this installation\'s access to the Business Profile APIs yet (its quota is 0). '
    + 'The administrator must request access for the Google Cloud project of PASSERELLE_GOOGLE_CLIENT_ID '
    + '(https://developers.google.com/my-business/content/prereqs), then try again.',
    'api_not_approved',
    { network: 'google-business', status },
  );
}

/** The HTTP client of every Google call: no rate-limit headers; quota 0 (403 or 429) is `api_not_approved`. */
export function googleHttp(ctx: HttpContext): HttpClient {
  return new HttpClient('google-business', ctx, noRateLimitHeaders, (status, text) =>
    (status === 403 || status === 429) && quotaIsZero(text) ? apiNotApproved(status) : null);
}

/** One call to a Google API with a bearer token, mapping Google's answers to the typed errors. */
export class GoogleApi {
  readonly http: HttpClient;
  readonly token: string | null;

  constructor(ctx: HttpContext, token: string | null) {
    this.http = googleHttp(ctx);
    this.token = token;
  }

  /**
   * Calls `spec.url`. A 401 throws `TokenRejected` (the caller refreshes once, then `AuthExpired`);
   * 403/429 with quota 0 → `Rejected('api_not_approved')`; 429 → `RateLimited` (by the HTTP client).
   */
  async call(spec: CallSpec & { json?: unknown; allow?: number[] }): Promise<CallResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (this.token !== null) headers['authorization'] = `Bearer ${this.token}`;
    const request: CallSpec = { ...spec, headers };
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      request.body = JSON.stringify(spec.json);
    }
    const res = await this.http.call(request);
    if (res.status < 400 || spec.allow?.includes(res.status)) return res;
    const message = googleMessage(res);
    if (res.status === 401) throw new TokenRejected(message);
    if (res.status === 403) {
      throw new Rejected(`Google refused to ${spec.what}: ${message}`, 'forbidden', { network: 'google-business', status: 403 });
    }
    if (res.status === 404) {
      throw new Rejected(`Google could not find what is needed to ${spec.what} (404): ${message}`, 'not_found', { network: 'google-business', status: 404 });
    }
    if (res.status === 408) throw new Transient(`Google timed out while trying to ${spec.what}`, { network: 'google-business' });
    throw new Rejected(`Google refused to ${spec.what} (${res.status}): ${message}`, 'invalid_input', { network: 'google-business', status: res.status });
  }
}

/** A 401 from a Google API: the access token is not (or no longer) accepted. */
export class TokenRejected extends AuthExpired {
  constructor(message: string) {
    super(`Google no longer accepts this channel's access token: ${message}`, { network: 'google-business' });
  }
}
