// Server components call procedures in-process, as the signed-in person.
import { redirect } from 'next/navigation';
import { currentUser } from '../auth/auth';
import { webServices } from '../web';
import { createContext } from './context';
import { createCaller } from './root';

export async function serverCaller() {
  return createCaller(await createContext(webServices(), null, currentUser));
}

/** The signed-in person, or a redirect to the sign-in page. */
export async function requireUser() {
  const user = await currentUser();
  if (!user) redirect('/sign-in');
  return user;
}
