import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/queries.ts';
import { refreshSession } from '../../api/session.ts';
import { AuthLayout } from '../../components/AuthLayout.tsx';
import { RouterAnchor } from '../../components/RouterLinks.tsx';
import { WorkspaceForm } from './WorkspaceForm.tsx';

/** Creates another workspace (agencies manage several brands). */
export function NewWorkspacePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const back = me.data?.memberships[0];
  return (
    <AuthLayout title={t('workspace.newTitle')} subtitle={t('workspace.newSubtitle')} width={520}>
      <WorkspaceForm
        submitLabel={t('workspace.create')}
        onCreated={async ({ workspace }) => {
          await refreshSession();
          await navigate({ to: '/w/$wid/calendar', params: { wid: workspace.id } });
        }}
      />
      {back ? (
        <RouterAnchor to="/w/$wid/calendar" params={{ wid: back.workspace.id }} size="sm">
          {t('common.cancel')}
        </RouterAnchor>
      ) : null}
    </AuthLayout>
  );
}
