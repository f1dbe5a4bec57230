import { z } from 'zod';

const uuid = z.uuid();

/** Ids arrive from URLs and messages: anything that is not a uuid cannot match, and PostgreSQL would reject it. */
export const isUuid = (value: string): boolean => uuid.safeParse(value).success;
