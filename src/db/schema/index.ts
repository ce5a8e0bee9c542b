/** All Drizzle tables; drizzle-kit reads this file to generate migrations into src/db/migrations. */
export * from './core.ts';
export * from './channels.ts';
export * from './inbox.ts';
export * from './moderation.ts';
export * from './relay.ts';
export * from './publishing.ts';
