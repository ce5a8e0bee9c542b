import { z } from 'zod';
import { defineJob } from '../../platform/jobs.ts';

/** Sends one email; retried with backoff when the SMTP server is unreachable. */
export const sendMailJob = defineJob({
  name: 'mail.send',
  payload: z.object({ to: z.string(), subject: z.string(), text: z.string() }),
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  expireInSeconds: 120,
  async handler(mail, deps) {
    await deps.mail.send(mail);
  },
});

export const workspacesJobs = [sendMailJob];
