import { z } from 'zod';
import { defineJob } from '../../platform/jobs.ts';
import { deliverWebhook, relayJobRefs, sendDigests } from './relay.service.ts';

/** Delivers one relayed item to its webhook; retried with backoff (the item stays `new` until it goes through). */
export const deliverRelayJob = defineJob({
  name: 'relay.deliver',
  payload: z.object({ itemId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  expireInSeconds: 60,
  async handler({ itemId }, deps) {
    await deliverWebhook(deps, itemId);
  },
});
relayJobRefs.deliver = deliverRelayJob;

/** Every minute: email digests that are due. */
export const relayDigestJob = defineJob({
  name: 'relay.digest',
  payload: z.object({}).passthrough(),
  retry: { limit: 0, delaySeconds: 5 },
  cron: '* * * * *',
  async handler(_data, deps) {
    await sendDigests(deps);
  },
});

export const relayJobs = [deliverRelayJob, relayDigestJob];
