import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { signInWithGitHub } from '@/app/actions';
import { SignInForm } from '@/components/auth/sign-in-form';
import { currentUser, githubEnabled } from '@/server/auth/auth';

export const metadata: Metadata = { title: 'Sign in · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect('/');
  const { next } = await searchParams;
  const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : '/';
  return (
    <main className="auth-page">
      <section className="card auth-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Switchyard</h1>
        <SignInForm next={safeNext} />
        {githubEnabled() && (
          <form action={signInWithGitHub}>
            <button type="submit" className="button">
              Sign in with GitHub
            </button>
          </form>
        )}
        <p className="muted small">
          First start? <code>npm start</code> printed the admin&apos;s email and password.
        </p>
      </section>
    </main>
  );
}
