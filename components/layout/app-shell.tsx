import Link from 'next/link';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { themeFromCookie } from '@/components/theme/theme';
import { ThemeToggle } from '@/components/theme/theme-toggle';
import { signOutAction } from '@/app/actions';
import type { PublicUser } from '@/server/domain/user/users';

const NAV = [
  { href: '/', label: 'Runs' },
  { href: '/deployments', label: 'Deployments' },
  { href: '/runners', label: 'Runners' },
  { href: '/tests', label: 'Flaky tests' },
  { href: '/insights', label: 'Insights' },
  { href: '/repos', label: 'Repositories' },
] as const;

/** The frame of every signed-in page: navigation, the user and their role. */
export async function AppShell({
  user,
  current,
  children,
}: {
  user: PublicUser;
  current: string;
  children: ReactNode;
}) {
  const theme = themeFromCookie((await cookies()).get('theme')?.value);
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Switchyard home">
          <span aria-hidden="true">⇄</span> Switchyard
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <ThemeToggle initial={theme} />
          <span className="user-email">{user.email}</span>
          <span className={`role role-${user.role}`} title="Your role">
            {user.role}
          </span>
          <form action={signOutAction}>
            <button type="submit" className="button small">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main className="page">{children}</main>
    </>
  );
}
