import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionConfig } from '../config.js';
import type { Logger } from '../log.js';

/**
 * Personal data at rest (identities, IBANs, a consent's account identifiers and holder names) is
 * stored as text `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url): AES-256-GCM under the key named by
 * `keyId`, a random 12-byte IV per value, and the place it belongs to (`table.column:row`) as
 * additional authenticated data, so a value copied to another row or column does not open.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_SHAPE = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** Where a sealed value lives: it opens only there. `row` is the row's key (an entity, account or consent id). */
export interface SealedPlace {
  readonly table: string;
  readonly column: string;
  readonly row: string;
}

export type UnreadableReason = 'unknown_key' | 'not_sealed' | 'does_not_open';

/**
 * A stored value that could not be opened: its key id is no longer configured, it is not in the
 * sealed format, or it does not authenticate (tampered, or copied from another row). Says where and
 * why, never the value or any key material.
 */
export class PersonalDataUnreadable extends Error {
  constructor(
    readonly place: SealedPlace,
    readonly reason: UnreadableReason,
    readonly keyId: string | undefined,
  ) {
    super(`personal data in ${place.table}.${place.column} of row ${place.row} could not be opened (${reason})`);
    this.name = 'PersonalDataUnreadable';
  }
}

/** A personal value as read: the clear text, or why it could not be opened. */
export type OpenedText = string | PersonalDataUnreadable;

export function additionalData(place: SealedPlace): Buffer {
  return Buffer.from(`${place.table}.${place.column}:${place.row}`, 'utf8');
}

/** Whether stored text has the sealed format (it may still not open). */
export function isSealed(text: string): boolean {
  return SEALED_SHAPE.test(text);
}

/** The key id a sealed value names, or undefined when the text is not sealed. */
export function keyIdOf(text: string): string | undefined {
  return SEALED_SHAPE.exec(text)?.[1];
}

/** Seals and opens personal data with the configured keys; failures to open are logged (without the value). */
export class PersonalDataVault {
  constructor(
    private readonly encryption: EncryptionConfig,
    private readonly log: Logger,
  ) {}

  /** Sealed under the current key. */
  seal(plaintext: string, place: SealedPlace): string {
    const keyId = this.encryption.current;
    const key = this.encryption.keys.get(keyId);
    if (key === undefined) throw new Error('the current encryption key is not among the keys');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(place));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${keyId}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  sealNullable(plaintext: string | null | undefined, place: SealedPlace): string | null {
    return plaintext === null || plaintext === undefined ? null : this.seal(plaintext, place);
  }

  /** The clear text, or a PersonalDataUnreadable (logged at error level) when it does not open here. */
  open(stored: string, place: SealedPlace): OpenedText {
    const parts = SEALED_SHAPE.exec(stored);
    if (parts === null) return this.unreadable(place, 'not_sealed', undefined);
    const [, keyId = '', ivText = '', sealedText = ''] = parts;
    const key = this.encryption.keys.get(keyId);
    if (key === undefined) return this.unreadable(place, 'unknown_key', keyId);
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return this.unreadable(place, 'does_not_open', keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(place));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // node:crypto says only "Unsupported state or unable to authenticate data": nothing to keep.
      return this.unreadable(place, 'does_not_open', keyId);
    }
  }

  openNullable(stored: string | null, place: SealedPlace): OpenedText | null {
    return stored === null ? null : this.open(stored, place);
  }

  private unreadable(place: SealedPlace, reason: UnreadableReason, keyId: string | undefined): PersonalDataUnreadable {
    const error = new PersonalDataUnreadable(place, reason, keyId);
    this.log.error({ table: place.table, column: place.column, row: place.row, reason, keyId }, 'personal data could not be opened');
    return error;
  }
}
