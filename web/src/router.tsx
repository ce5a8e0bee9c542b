import { createRootRouteWithContext, createRoute, createRouter, redirect } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { meQuery, queryClient, setSessionEndedHandler, setupQuery } from './api/queries.ts';
import { lastWorkspace } from './lib/last-workspace.ts';
import { RootLayout } from './routes/RootLayout.tsx';
import { NotFoundPage } from './routes/NotFoundPage.tsx';
import { SignInPage } from './routes/auth/SignInPage.tsx';
import { ForgotPasswordPage } from './routes/auth/ForgotPasswordPage.tsx';
import { ResetPasswordPage } from './routes/auth/ResetPasswordPage.tsx';
import { SetupPage } from './routes/setup/SetupPage.tsx';
import { AcceptInvitationPage } from './routes/invite/AcceptInvitationPage.tsx';
import { NewWorkspacePage } from './routes/workspaces/NewWorkspacePage.tsx';
import { Shell } from './routes/shell/Shell.tsx';
import { CalendarPage } from './routes/calendar/CalendarPage.tsx';
import { ComposePage, composeSearch } from './routes/compose/ComposePage.tsx';
import { ApprovalsPage } from './routes/approvals/ApprovalsPage.tsx';
import { PostDetailPage } from './routes/publishing/PostDetailPage.tsx';
import { MediaLibraryPage } from './routes/publishing/MediaLibrary.tsx';
import { ImportPage } from './routes/publishing/ImportPage.tsx';
import { CharterSettings } from './routes/publishing/CharterSettings.tsx';
import { PlanSettings } from './routes/publishing/PlanSettings.tsx';
import { ApprovalFlowSettings } from './routes/publishing/ApprovalFlowSettings.tsx';
import { InboxPage } from './routes/inbox/InboxPage.tsx';
import { InboxReportPage } from './routes/inbox/ReportPage.tsx';
import { ContactProfilePage } from './routes/contacts/ContactProfilePage.tsx';
import { ContactsPage } from './routes/contacts/ContactsPage.tsx';
import { GuardSettingsPage, SlaSettings } from './routes/inbox/InboxSettings.tsx';
import { RelaySettings } from './routes/inbox/RelaySettings.tsx';
import { SavedRepliesSettings } from './routes/inbox/SavedRepliesSettings.tsx';
import { ModerationSettings } from './routes/moderation/ModerationSettings.tsx';
import { ListeningPage } from './routes/listening/ListeningPage.tsx';
import { AnalyticsPage } from './routes/analytics/AnalyticsPage.tsx';
import { SettingsLayout } from './routes/settings/SettingsLayout.tsx';
import { WorkspaceSettings } from './routes/settings/WorkspaceSettings.tsx';
import { MembersSettings } from './routes/settings/MembersSettings.tsx';
import { TokensSettings } from './routes/settings/TokensSettings.tsx';
import { AuditLogPage } from './routes/settings/AuditLogPage.tsx';
import { ProfileSettings } from './routes/settings/ProfileSettings.tsx';
import { ChannelsSettings, channelsSearch } from './routes/settings/channels/ChannelsSettings.tsx';
import { ChannelTestPage } from './routes/settings/channels/ChannelTestPage.tsx';

interface RouterContext {
  queryClient: QueryClient;
}

/** Sends visitors to set-up or sign-in when the page needs a signed-in user; returns who is signed in. */
async function requireUser(context: RouterContext, href: string) {
  const setup = await context.queryClient.ensureQueryData(setupQuery);
  if (setup.needsOwner) throw redirect({ to: '/setup' });
  const me = await context.queryClient.ensureQueryData(meQuery);
  if (!me) throw redirect({ to: '/signin', search: { redirect: href } });
  return me;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: RootLayout,
  notFoundComponent: NotFoundPage,
});

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  // A failed channel connection (the Mastodon callback) comes back here with `channelError`.
  validateSearch: (search: Record<string, unknown>) => channelsSearch(search),
  beforeLoad: async ({ context, location, search }) => {
    const me = await requireUser(context, location.href);
    if (me.memberships.length === 0) throw redirect({ to: '/workspaces/new' });
    const remembered = lastWorkspace();
    const target = me.memberships.find((m) => m.workspace.id === remembered) ?? me.memberships[0]!;
    if (search.channelError) {
      throw redirect({
        to: '/w/$wid/settings/channels',
        params: { wid: target.workspace.id },
        search: { channelError: search.channelError, ...(search.message ? { message: search.message } : {}) },
      });
    }
    throw redirect({ to: '/w/$wid/calendar', params: { wid: target.workspace.id } });
  },
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === 'string' && search.redirect.startsWith('/') ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context, search }) => {
    const setup = await context.queryClient.ensureQueryData(setupQuery);
    if (setup.needsOwner) throw redirect({ to: '/setup' });
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (me) throw redirect({ href: search.redirect ?? '/' });
  },
  component: SignInPage,
});

const forgotRoute = createRoute({ getParentRoute: () => rootRoute, path: '/forgot', component: ForgotPasswordPage });
const resetRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reset/$token', component: ResetPasswordPage });
const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite/$token',
  component: AcceptInvitationPage,
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  beforeLoad: async ({ context }) => {
    const setup = await context.queryClient.ensureQueryData(setupQuery);
    if (setup.needsOwner) return;
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/signin' });
    if (me.memberships.length > 0) throw redirect({ to: '/' });
  },
  component: SetupPage,
});

const newWorkspaceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/workspaces/new',
  beforeLoad: ({ context, location }) => requireUser(context, location.href),
  component: NewWorkspacePage,
});

const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/w/$wid',
  beforeLoad: ({ context, location }) => requireUser(context, location.href),
  component: Shell,
});

const shellIndexRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/w/$wid/calendar', params });
  },
});

const calendarRoute = createRoute({ getParentRoute: () => shellRoute, path: 'calendar', component: CalendarPage });
const composeRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: 'compose',
  validateSearch: (search: Record<string, unknown>) => composeSearch(search),
  component: ComposePage,
});
const approvalsRoute = createRoute({ getParentRoute: () => shellRoute, path: 'approvals', component: ApprovalsPage });
const postRoute = createRoute({ getParentRoute: () => shellRoute, path: 'posts/$id', component: PostDetailPage });
const mediaRoute = createRoute({ getParentRoute: () => shellRoute, path: 'media', component: MediaLibraryPage });
const importRoute = createRoute({ getParentRoute: () => shellRoute, path: 'import', component: ImportPage });
const inboxRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: 'inbox',
  // `c`: the open conversation (links from contacts and the moderation log; notifications link to inbox/$id).
  validateSearch: (search: Record<string, unknown>): { c?: string } => (typeof search.c === 'string' ? { c: search.c } : {}),
  component: InboxPage,
});
// Inbox → Report (response times and volumes); the top-level Analytics page is a separate capability.
const inboxReportRoute = createRoute({ getParentRoute: () => shellRoute, path: 'inbox/report', component: InboxReportPage });
// `/w/:wid/inbox/:id`, the link the server writes in notifications and relay items: the inbox with that
// conversation open (`inbox/report` is static, so it is matched first).
const inboxConversationRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: 'inbox/$id',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/w/$wid/inbox', params: { wid: params.wid }, search: { c: params.id } });
  },
});
const contactsRoute = createRoute({ getParentRoute: () => shellRoute, path: 'contacts', component: ContactsPage });
const contactRoute = createRoute({ getParentRoute: () => shellRoute, path: 'contacts/$cid', component: ContactProfilePage });
const listeningRoute = createRoute({ getParentRoute: () => shellRoute, path: 'listening', component: ListeningPage });
const analyticsRoute = createRoute({ getParentRoute: () => shellRoute, path: 'analytics', component: AnalyticsPage });

const settingsRoute = createRoute({ getParentRoute: () => shellRoute, path: 'settings', component: SettingsLayout });
const settingsIndexRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/w/$wid/settings/workspace', params });
  },
});
const settingsWorkspaceRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'workspace',
  component: WorkspaceSettings,
});
const settingsMembersRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'members',
  component: MembersSettings,
});
const settingsTokensRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'tokens', component: TokensSettings });
const settingsAuditRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'audit', component: AuditLogPage });
const settingsChannelsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'channels',
  validateSearch: (search: Record<string, unknown>) => channelsSearch(search),
  component: ChannelsSettings,
});
const settingsChannelRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'channels/$id',
  component: ChannelTestPage,
});
const settingsModerationRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'moderation', component: ModerationSettings });
const settingsSlaRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'sla', component: SlaSettings });
const settingsGuardRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'reply-guard', component: GuardSettingsPage });
const settingsRelayRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'relay', component: RelaySettings });
const settingsSavedRepliesRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'saved-replies', component: SavedRepliesSettings });
const settingsCharterRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'charter', component: CharterSettings });
const settingsPlanRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'plan', component: PlanSettings });
const settingsApprovalsRoute = createRoute({ getParentRoute: () => settingsRoute, path: 'approvals', component: ApprovalFlowSettings });
const settingsProfileRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'profile',
  component: ProfileSettings,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  forgotRoute,
  resetRoute,
  inviteRoute,
  setupRoute,
  newWorkspaceRoute,
  shellRoute.addChildren([
    shellIndexRoute,
    calendarRoute,
    composeRoute,
    approvalsRoute,
    postRoute,
    mediaRoute,
    importRoute,
    inboxRoute,
    inboxReportRoute,
    inboxConversationRoute,
    contactsRoute,
    contactRoute,
    listeningRoute,
    analyticsRoute,
    settingsRoute.addChildren([
      settingsIndexRoute,
      settingsWorkspaceRoute,
      settingsMembersRoute,
      settingsChannelsRoute,
      settingsChannelRoute,
      settingsCharterRoute,
      settingsPlanRoute,
      settingsApprovalsRoute,
      settingsTokensRoute,
      settingsAuditRoute,
      settingsModerationRoute,
      settingsSlaRoute,
      settingsGuardRoute,
      settingsRelayRoute,
      settingsSavedRepliesRoute,
      settingsProfileRoute,
    ]),
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
});

setSessionEndedHandler(() => {
  const { pathname, href } = router.state.location;
  const isPublic = ['/signin', '/setup', '/forgot', '/reset/', '/invite/'].some((p) => pathname.startsWith(p));
  if (!isPublic) void router.navigate({ to: '/signin', search: { redirect: href } });
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
