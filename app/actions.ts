'use server';
// Sign-in and sign-out as server actions (Auth.js sets and clears the cookie).
import { AuthError } from 'next-auth';
import { signIn, signOut } from '@/server/auth/auth';

export interface SignInState {
  error?: string;
}

export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  try {
    await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirectTo: String(form.get('next') || '/'),
    });
    return {};
  } catch (err) {
    if (err instanceof AuthError) return { error: 'Wrong email or password.' };
    throw err; // the redirect after a successful sign-in
  }
}

export async function signInWithGitHub() {
  await signIn('github', { redirectTo: '/' });
}

export async function signOutAction() {
  await signOut({ redirectTo: '/sign-in' });
}
