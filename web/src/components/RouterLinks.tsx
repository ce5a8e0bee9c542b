import { Anchor, NavLink } from '@mantine/core';
import type { AnchorProps, NavLinkProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import type { LinkComponent } from '@tanstack/react-router';
import { forwardRef } from 'react';
import type { AnchorHTMLAttributes } from 'react';

type AnchorElementProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color' | 'style'>;

const NavLinkAnchor = forwardRef<HTMLAnchorElement, NavLinkProps & AnchorElementProps>((props, ref) => (
  <NavLink component="a" ref={ref} {...props} />
));
const TextAnchor = forwardRef<HTMLAnchorElement, AnchorProps & AnchorElementProps>((props, ref) => (
  <Anchor component="a" ref={ref} {...props} />
));

const CreatedNavLink = createLink(NavLinkAnchor);
const CreatedAnchor = createLink(TextAnchor);

/** Mantine's NavLink driven by the router (typed `to` and `params`). */
export const RouterNavLink: LinkComponent<typeof NavLinkAnchor> = (props) => <CreatedNavLink preload="intent" {...props} />;

/** Mantine's Anchor driven by the router. */
export const RouterAnchor: LinkComponent<typeof TextAnchor> = (props) => <CreatedAnchor preload="intent" {...props} />;
