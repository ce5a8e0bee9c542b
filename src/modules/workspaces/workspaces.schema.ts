import { z } from 'zod';
import type { users, workspaces } from '../../db/schema/index.ts';
import { ROLES } from '../../platform/policy.ts';

/** Shared request/response schemas and presenters of the workspaces module (users, workspaces, roles). */

export const roleSchema = z.enum(ROLES);
export const localeSchema = z.enum(['fr', 'en']);
export const uuidParam = z.uuid({ message: 'must be an id' });
export const wsParams = z.strictObject({ wid: z.string() });

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
timeZones.add('UTC');
/**
 * Intl.supportedValuesOf lists one name per zone (ICU's, e.g. Asia/Calcutta, Europe/Kiev), so current
 * IANA names and aliases that browsers send (Asia/Kolkata, Europe/Kyiv, America/Montreal) were refused:
 * accept any name Intl resolves to a listed zone (offsets such as +01:00 resolve to themselves: refused).
 */
function isTimeZone(tz: string): boolean {
  if (timeZones.has(tz)) return true;
  try {
    return timeZones.has(new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}
export const timezoneSchema = z.string().max(64).refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' });
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' })).pipe(z.string().max(254));
export const passwordSchema = z.string().min(10, { message: 'must have at least 10 characters' }).max(200);
export const nameSchema = z.string().trim().min(1, { message: 'is required' }).max(120);

export const userOut = z.object({
  id: z.string(), email: z.string(), name: z.string(), locale: localeSchema.nullable(), totpEnabled: z.boolean(), createdAt: z.iso.datetime(),
});
export const workspaceOut = z.object({
  id: z.string(), name: z.string(), timezone: z.string(), language: localeSchema, createdAt: z.iso.datetime(),
});
export const membershipOut = z.object({ workspace: workspaceOut, role: roleSchema });

/** Presents a user row (never the password hash or TOTP secret). */
export function presentUser(u: typeof users.$inferSelect): z.infer<typeof userOut> {
  return {
    id: u.id, email: u.email, name: u.name, locale: u.locale === 'fr' || u.locale === 'en' ? u.locale : null,
    totpEnabled: u.totpEnabled, createdAt: u.createdAt.toISOString(),
  };
}

/** Presents a workspace row. */
export function presentWorkspace(w: typeof workspaces.$inferSelect): z.infer<typeof workspaceOut> {
  return { id: w.id, name: w.name, timezone: w.timezone, language: w.language === 'fr' ? 'fr' : 'en', createdAt: w.createdAt.toISOString() };
}

export const errorOut = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });
export const noContent = z.null().describe('No content');
