import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/** A notice now recorded as sent: the caller publishes its event in the same transaction. */
export interface ClaimedConsentNotice {
  readonly notice: 'EXPIRING' | 'EXPIRED';
  readonly consentId: string;
  readonly entityId: string;
  readonly customerId: string;
  readonly expiresAt: Date;
}

/** Whether this transaction holds the consent-notice lock; another instance holding it is doing the work. */
export async function holdConsentNoticeLock(trx: Kysely<Tables>): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('lean-gateway:consent-notices')) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/**
 * Records, at most `batch` at a time, the notices now due and not sent yet, and answers them; run it
 * in the transaction that publishes their events, so that a notice is recorded exactly when its
 * event is (the primary key makes a second one impossible, whoever tries). Due: EXPIRING for a live
 * consent of a linked entity whose end is within `noticeMs` from `now`; EXPIRED once its end passed
 * (the entity's consent is then marked lapsed). An entity already known to have lapsed gets neither.
 */
export async function claimDueConsentNotices(trx: Kysely<Tables>, now: Date, noticeMs: number, batch: number): Promise<ClaimedConsentNotice[]> {
  const noticeFrom = new Date(now.getTime() + noticeMs);
  const claimed: ClaimedConsentNotice[] = [];
  for (const notice of ['EXPIRED', 'EXPIRING'] as const) {
    const due = await trx
      .selectFrom('consents')
      .innerJoin('entities', 'entities.id', 'consents.entity_id')
      .select(['consents.id as consent_id', 'consents.entity_id', 'entities.customer_id', 'consents.expires_at'])
      .where('entities.status', '<>', 'DISCONNECTED')
      .where('entities.consent_lapsed_at', 'is', null)
      .where(sql<boolean>`upper(consents.status) in ('ACTIVE', 'AUTHORISED', 'AUTHORIZED')`)
      .where('consents.expires_at', 'is not', null)
      .$if(notice === 'EXPIRED', (q) => q.where('consents.expires_at', '<=', now))
      .$if(notice === 'EXPIRING', (q) => q.where('consents.expires_at', '>', now).where('consents.expires_at', '<=', noticeFrom))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('consent_notices').select('consent_notices.consent_id').whereRef('consent_notices.consent_id', '=', 'consents.id').where('consent_notices.notice', '=', notice))),
      )
      .orderBy('consents.expires_at')
      .limit(batch)
      .execute();
    for (const row of due) {
      if (row.expires_at === null) continue;
      // The end passed: the consent lapses now, unless someone else (a CONSENT_EXPIRED answer, a re-read) marked it since the look above.
      if (notice === 'EXPIRED') {
        const lapsed = await trx
          .updateTable('entities')
          .set({ consent_lapsed_at: row.expires_at })
          // An entity a webhook is writing now is left for the next look, rather than waited for (no lock cycle with its batch).
          .where('id', 'in', (eb) => eb.selectFrom('entities').select('id').where('id', '=', row.entity_id).where('consent_lapsed_at', 'is', null).forNoKeyUpdate().skipLocked())
          .executeTakeFirst();
        if (lapsed.numUpdatedRows === 0n) continue;
      }
      const inserted = await trx
        .insertInto('consent_notices')
        .values({ consent_id: row.consent_id, notice, entity_id: row.entity_id, customer_id: row.customer_id, expires_at: row.expires_at })
        .onConflict((oc) => oc.columns(['consent_id', 'notice']).doNothing())
        .returning('consent_id')
        .executeTakeFirst();
      if (inserted === undefined) continue;
      claimed.push({ notice, consentId: row.consent_id, entityId: row.entity_id, customerId: row.customer_id, expiresAt: row.expires_at });
    }
  }
  return claimed;
}
