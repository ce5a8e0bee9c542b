import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Passerelle reads, validated once at start-up. Unknown `PASSERELLE_*` variables and
 * malformed values stop the process with one clear line per problem (see {@link loadConfig}).
 */
const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** One of Bluesky's public Jetstream instances (github.com/bluesky-social/jetstream). */
export const DEFAULT_JETSTREAM_URL = 'wss://jetstream2.us-east.bsky.network/subscribe';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  PASSERELLE_DATA_DIR: z.string().min(1).default('./data'),
  PASSERELLE_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,88}$/, 'must be 32 bytes, base64 or hex encoded')
    .optional(),
  PASSERELLE_PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://passerelle.example.com' }).optional(),
  PASSERELLE_ALLOW_PRIVATE_NETWORK: boolish.default(false),
  PASSERELLE_TRUST_PROXY: boolish.default(false),
  PASSERELLE_PUBLISH_GRACE_MINUTES: z.coerce.number().int().min(0).default(60),
  PASSERELLE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  PASSERELLE_GOOGLE_CLIENT_ID: z.string().regex(/^[\w.-]+$/, 'must be an OAuth client id such as 1234-abc.apps.googleusercontent.com').optional(),
  PASSERELLE_GOOGLE_CLIENT_SECRET: z.string().min(8).optional(),
  PASSERELLE_GOOGLE_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  PASSERELLE_BLUESKY_JETSTREAM_URL: z
    .string()
    .refine((v) => v === 'off' || (/^wss?:\/\//.test(v) && URL.canParse(v)), 'must be a ws:// or wss:// URL, or off')
    .default(DEFAULT_JETSTREAM_URL),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must look like smtp://user:pass@host:587 or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Passerelle <passerelle@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
});

/** Settings that are documented but not in the schema would be typos: refuse them. */
const KNOWN_PREFIXED = new Set(Object.keys(envSchema.shape).filter((k) => k.startsWith('PASSERELLE_')));

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  publicUrl: string | undefined;
  allowPrivateNetwork: boolean;
  trustProxy: boolean;
  publishGraceMinutes: number;
  workerConcurrency: number;
  /** The OAuth client Google Business Profile locations connect through; null = not configured. */
  googleClient: { clientId: string; clientSecret: string } | null;
  /** Every Google endpoint under this origin instead of Google's (tests and fakes only); null = Google. */
  googleApiUrl: string | null;
  /** Endpoint of each network-wide stream (Bluesky Jetstream), null when switched off. */
  networkStreams: { bluesky: string | null };
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
};

/** A configuration problem the operator must fix; `main` prints `message` and exits 1. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * Validates `env` (default `process.env`) into a typed {@link Config}.
 * @example loadConfig({ PORT: '8080' }).port // 8080
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith('PASSERELLE_') && !KNOWN_PREFIXED.has(key)) {
      problems.push(`${key}: unknown setting (known: ${[...KNOWN_PREFIXED].sort().join(', ')})`);
    }
  }
  // Empty strings mean "unset" for optional values: shells often export FOO= by accident.
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems.push(`${key}: ${issue.message} (got ${JSON.stringify(cleaned[key] ?? '')})`);
    }
  }
  if (parsed.success && Boolean(parsed.data.PASSERELLE_GOOGLE_CLIENT_ID) !== Boolean(parsed.data.PASSERELLE_GOOGLE_CLIENT_SECRET)) {
    problems.push('PASSERELLE_GOOGLE_CLIENT_ID and PASSERELLE_GOOGLE_CLIENT_SECRET: set both or neither');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.PASSERELLE_DATA_DIR),
    secretKey: e.PASSERELLE_SECRET_KEY,
    publicUrl: e.PASSERELLE_PUBLIC_URL?.replace(/\/$/, ''),
    allowPrivateNetwork: e.PASSERELLE_ALLOW_PRIVATE_NETWORK,
    trustProxy: e.PASSERELLE_TRUST_PROXY,
    publishGraceMinutes: e.PASSERELLE_PUBLISH_GRACE_MINUTES,
    workerConcurrency: e.PASSERELLE_WORKER_CONCURRENCY,
    googleClient: e.PASSERELLE_GOOGLE_CLIENT_ID && e.PASSERELLE_GOOGLE_CLIENT_SECRET
      ? { clientId: e.PASSERELLE_GOOGLE_CLIENT_ID, clientSecret: e.PASSERELLE_GOOGLE_CLIENT_SECRET } : null,
    googleApiUrl: e.PASSERELLE_GOOGLE_API_URL?.replace(/\/$/, '') ?? null,
    networkStreams: { bluesky: e.PASSERELLE_BLUESKY_JETSTREAM_URL === 'off' ? null : e.PASSERELLE_BLUESKY_JETSTREAM_URL },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
  };
}

/** The URL users reach Passerelle at: the configured public URL, else localhost on the port. */
export function publicUrl(config: Config): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}
