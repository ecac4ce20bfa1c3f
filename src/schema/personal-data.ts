import { GraphQLError } from 'graphql';
import { PersonalDataUnreadable } from '../crypto/personal-data.js';
import type { ErrorCode } from '../model/error-codes.js';

/** What the description of every personal field says: who may read it. */
export const PERSONAL_DATA_NOTE = 'Personal data: an end user needs the scope `identity:read` (else FORBIDDEN, and the rest of the answer stands); never logged.';

/**
 * A personal value as the client sees it: the clear value, or, when the stored value does not open
 * (its key is no longer configured, or it was altered), a typed error at this field alone. The
 * vault has already logged where and why; neither says the value.
 */
export function revealed<T>(value: T | PersonalDataUnreadable | null): T | null {
  if (value instanceof PersonalDataUnreadable) {
    throw new GraphQLError('This personal data cannot be read: it is stored under a key this gateway does not hold, or it was altered', {
      extensions: { code: 'PERSONAL_DATA_UNREADABLE' satisfies ErrorCode },
    });
  }
  return value;
}
