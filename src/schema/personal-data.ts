import { GraphQLError } from 'graphql';
import { PersonalDataUnreadable, type OpenedText } from '../crypto/personal-data.js';
import type { DataErrorCode } from './errors.js';

/**
 * A personal value as the client sees it: the clear text, or, when the stored value does not open
 * (its key is no longer configured, or it was altered), a typed error at this field alone. The
 * vault has already logged where and why; neither says the value.
 */
export function revealed(value: OpenedText | null): string | null {
  if (value instanceof PersonalDataUnreadable) {
    throw new GraphQLError('This personal data cannot be read: it is stored under a key this gateway does not hold, or it was altered', {
      extensions: { code: 'PERSONAL_DATA_UNREADABLE' satisfies DataErrorCode },
    });
  }
  return value;
}
