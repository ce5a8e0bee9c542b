import { Outlet } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useMe } from '../api/queries.ts';
import { anonymousLocale, applyLocale, browserLocale, rememberLocale } from '../i18n/index.ts';

/** Top of every page: keeps the UI language in line with the signed-in user's setting. */
export function RootLayout() {
  const me = useMe();
  const user = me.data?.user;
  useEffect(() => {
    if (me.isPending) return;
    // Keep the user's chosen language for the sign-in page after they sign out.
    if (user?.locale) rememberLocale(user.locale);
    applyLocale(user ? (user.locale ?? browserLocale()) : anonymousLocale());
  }, [me.isPending, user]);
  return <Outlet />;
}
