import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from '../../actors/ports.ts';

/**
 * KafkaJS logs through our structured logger. KafkaJS reports retriable broker answers ("coordinator not
 * available" while a group forms, "not the leader" right after a topic is created) at ERROR and then retries;
 * those are warnings for us. An operation that really fails surfaces as a rejected promise and is logged there.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      const entry = { component: 'kafkajs', ...fields };
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.debug(entry, message);
    };
}
