import type { EventEnvelope, UserProfileData } from '@capstone/contracts';
import { z } from 'zod';

const userProfileData = z.object({
  userId: z.uuid(),
  email: z.string(),
  username: z.string().min(1),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  version: z.number().int().min(1),
});

const userEventEnvelope = z.object({
  eventId: z.string(),
  name: z.string(),
  occurredAt: z.string(),
  data: userProfileData,
});

/** The envelope if it is a well-formed user event; undefined for anything else. */
export function parseUserEvent(payload: unknown): EventEnvelope<UserProfileData> | undefined {
  const result = userEventEnvelope.safeParse(payload);
  return result.success ? result.data : undefined;
}
