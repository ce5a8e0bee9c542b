import type { Deps } from '../../platform/context.ts';
import { contactRoutes } from './contact.routes.ts';
import { inboxJobs } from './inbox.jobs.ts';
import { inboxRoutes } from './inbox.routes.ts';
import { inboxReportRoutes } from './report.routes.ts';
import { inboxSettingsRoutes } from './settings.routes.ts';
import { StreamSupervisor } from './stream.supervisor.ts';

/** The inbox module: ingest from channels, conversations and their work, replies with the guard, SLA, contacts. */
export const inboxModule = {
  routes: (deps: Deps) => [inboxRoutes(deps), inboxSettingsRoutes(deps), contactRoutes(deps), inboxReportRoutes(deps)],
  jobs: inboxJobs,
  // Real-time streams (Mastodon streaming, Bluesky Jetstream): held by one worker process at a time.
  workers: (deps: Deps) => {
    const supervisor = new StreamSupervisor(deps);
    return [{ name: 'inbox.streams', start: () => supervisor.start(), stop: () => supervisor.stop() }];
  },
};
export { ingestInteractions, classifyText, pollChannel } from './ingest.service.ts';
export { getConversationRow, recordEvent, updateConversations } from './conversation.service.ts';
