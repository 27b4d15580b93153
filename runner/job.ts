// What the runner gets when it claims a job: the server's answer, as the typed
// client infers it.
import type { ServerApi } from './api';

export type ClaimedJobView = NonNullable<Awaited<ReturnType<ServerApi['runner']['claim']['mutate']>>>;
