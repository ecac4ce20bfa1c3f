import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, linkBank, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';
import { LEAN_TEST_VERSION } from './kit/lean-version.js';

const SERVICE_KEY = 'svc_personal_data_0123456789abcdef0123';
const K1 = Buffer.alloc(32, 0x11).toString('base64');
const K2 = Buffer.alloc(32, 0x22).toString('base64');

/** Everything personal an entity answers: identity, IBANs and holder names, and its consents' account identifiers and holder names. */
const ENTITY_PERSONAL_DATA = `query ($id: ID!) { node(id: $id) { ... on Entity {
  identity { __typename ... on Identity { fullName mobileNumber gender nationalIdentityNumber birthDate emailAddress address } }
  accounts { __typename ... on AccountList { accounts { leanAccountId name iban holderName } } }
  consents { id accounts { schemeName identification name secondaryIdentification } }
} } }`;

interface EntityAnswer {
  identity: Record<string, string | null> & { __typename: string };
  accounts: { __typename: string; accounts: { leanAccountId: string; name: string | null; iban: string | null; holderName: string | null }[] };
  consents: { id: string; accounts: { schemeName: string; identification: string | null; name: string | null; secondaryIdentification: string | null }[] }[];
}

type ErrorWithPath = { message: string; path?: (string | number)[]; extensions?: { code?: string } };

const readEntity = async (gateway: TestGateway, entityId: string): Promise<{ answer: GraphQLResponse; entity: EntityAnswer }> => {
  const answer = await postGraphQL(gateway.url, ENTITY_PERSONAL_DATA, { token: SERVICE_KEY, variables: { id: globalId('Entity', entityId) } });
  return { answer, entity: answer.body.data?.['node'] as EntityAnswer };
};

/** The clear values a linked entity answered: the strings the rows must not hold. */
function personalValues(entity: EntityAnswer): string[] {
  const identity = Object.entries(entity.identity)
    .filter(([key]) => key !== '__typename' && key !== 'gender')
    .map(([, value]) => value);
  const accountValues = entity.accounts.accounts.flatMap((account) => [account.iban, account.holderName]);
  const consentAccounts = entity.consents.flatMap((consent) => consent.accounts.flatMap((a) => [a.identification, a.name]));
  return [...identity, ...accountValues, ...consentAccounts].filter((value): value is string => value !== null && value.length >= 4);
}

/** Every personal value as stored, with where it is: `table.column:row` → stored text. */
async function storedPersonalData(gateway: TestGateway): Promise<Map<string, string>> {
  const { db } = gateway.database;
  const stored = new Map<string, string>();
  for (const row of await db.selectFrom('identities').selectAll().execute()) {
    for (const column of ['full_name', 'mobile_number', 'gender', 'national_identity_number', 'birth_date', 'email_address', 'address'] as const) {
      const value = row[column];
      if (value !== null) stored.set(`identities.${column}:${row.entity_id}`, value);
    }
  }
  for (const row of await db.selectFrom('accounts').select(['id', 'iban', 'holder_name']).execute()) {
    if (row.iban !== null) stored.set(`accounts.iban:${row.id}`, row.iban);
    if (row.holder_name !== null) stored.set(`accounts.holder_name:${row.id}`, row.holder_name);
  }
  for (const row of await db.selectFrom('consents').select(['id', 'accounts']).execute()) {
    row.accounts.forEach((account, position) => {
      stored.set(`consents.accounts.${position}.identification:${row.id}`, account.identification);
      if (account.name !== null) stored.set(`consents.accounts.${position}.name:${row.id}`, account.name);
    });
  }
  return stored;
}

/** The whole text of the personal tables, as Postgres prints them. */
async function personalTablesText(gateway: TestGateway): Promise<string> {
  const { rows } = await sql<{ text: string }>`select concat_ws(' ',
    (select string_agg(i::text, ' ') from identities i), (select string_agg(a::text, ' ') from accounts a), (select string_agg(c::text, ' ') from consents c)) as text`.execute(
    gateway.database.db,
  );
  return rows[0]?.text ?? '';
}

const keyIdOf = (stored: string) => /^v1\.([A-Za-z0-9_-]+)\./.exec(stored)?.[1];

describe('personal data is sealed at rest', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  let uae: LinkedEntity;
  let uae2: LinkedEntity;
  let ksa: LinkedEntity;
  const clear = new Map<string, EntityAnswer>();

  beforeAll(async () => {
    database = await createTestDatabase('personal_data_at_rest');
    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY, GATEWAY_ENCRYPTION_KEY: `k1:${K1}` });
    customer = await createCustomer(gateway, 'sealed-user', { token: SERVICE_KEY });
    uae = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    uae2 = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    ksa = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU');
    for (const entity of [uae, uae2, ksa]) {
      const { answer, entity: read } = await readEntity(gateway, entity.id);
      expect(answer.body.errors).toBeUndefined();
      clear.set(entity.id, read);
    }
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('GraphQL answers the clear values; the rows hold only sealed text under the current key, none of those values', async () => {
    const uaeAnswer = clear.get(uae.id);
    const ksaAnswer = clear.get(ksa.id);
    expect(uaeAnswer?.identity.__typename).toBe('Identity');
    expect(uaeAnswer?.identity['fullName']).toMatch(/\S+ \S+/);
    expect(uaeAnswer?.identity['nationalIdentityNumber']).toMatch(/\d/);
    expect(uaeAnswer?.accounts.accounts.length).toBeGreaterThan(0);
    for (const account of uaeAnswer?.accounts.accounts ?? []) expect(account.iban).toMatch(/^AE\d{2}[0-9A-Z]+$/);
    // The holder's name is v2's (and sealed like the IBAN); v1 does not send it.
    for (const account of uaeAnswer?.accounts.accounts ?? []) {
      if (LEAN_TEST_VERSION === 'v2') expect(account.holderName).toMatch(/\S+ \S+/);
      else expect(account.holderName).toBeNull();
    }
    expect(ksaAnswer?.consents.flatMap((c) => c.accounts).length).toBeGreaterThan(0);
    // The IBANs are Lean's (the emulator's), not something the gateway made up.
    expect(uaeAnswer?.accounts.accounts.map((a) => a.iban)).toEqual(gateway.sandbox?.state.accountsOf(uae.id).map((a) => a.iban));

    const values = [...clear.values()].flatMap(personalValues);
    expect(values.length).toBeGreaterThan(15);
    const tables = await personalTablesText(gateway);
    expect(tables.length).toBeGreaterThan(1000);
    for (const value of values) expect(tables, 'a personal value is stored in clear text').not.toContain(value);

    const stored = await storedPersonalData(gateway);
    expect(stored.size).toBeGreaterThanOrEqual(values.length);
    for (const [place, text] of stored) expect(`${place} ${text}`).toMatch(/ v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/);
  });

  it('a tampered IBAN answers PERSONAL_DATA_UNREADABLE at that field only, and the log says where without the value', async () => {
    const [first, second] = uae.accountIds;
    const row = await gateway.database.db.selectFrom('accounts').select('iban').where('id', '=', first ?? '').executeTakeFirstOrThrow();
    const sealed = row.iban ?? '';
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    await gateway.database.db.updateTable('accounts').set({ iban: flipped }).where('id', '=', first ?? '').execute();
    const logsBefore = gateway.logs.length;
    try {
      const { answer, entity } = await readEntity(gateway, uae.id);
      const errors = (answer.body.errors ?? []) as ErrorWithPath[];
      expect(errors.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['PERSONAL_DATA_UNREADABLE', 'node.accounts.accounts.0.iban']]);
      expect(errors[0]?.message).not.toContain(sealed.slice(10, 30));
      expect(answer.status).toBe(200);
      // The rest of the answer stands: the identity, the other IBAN, the account's other fields.
      const before = clear.get(uae.id);
      expect(entity.identity).toEqual(before?.identity);
      expect(entity.accounts.accounts[0]).toEqual({ ...before?.accounts.accounts[0], iban: null });
      expect(entity.accounts.accounts[1]?.leanAccountId).toBe(second);
      expect(entity.accounts.accounts[1]?.iban).toBe(before?.accounts.accounts[1]?.iban);
      const lines = gateway.logs.slice(logsBefore).filter((line) => line.includes('personal data could not be opened'));
      expect(lines.length).toBeGreaterThan(0);
      const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
      expect(line).toMatchObject({ level: 50, table: 'accounts', column: 'iban', row: first, reason: 'does_not_open', keyId: 'k1' });
      for (const text of lines) {
        expect(text).not.toContain(before?.accounts.accounts[0]?.iban ?? 'no iban');
        expect(text).not.toContain(flipped.slice(8));
      }
    } finally {
      await gateway.database.db.updateTable('accounts').set({ iban: sealed }).where('id', '=', first ?? '').execute();
    }
    expect((await readEntity(gateway, uae.id)).answer.body.errors).toBeUndefined();
  });

  it("a sealed value copied into another entity's row does not open there (row and column are authenticated)", async () => {
    const { db } = gateway.database;
    const source = await db.selectFrom('identities').selectAll().where('entity_id', '=', uae.id).executeTakeFirstOrThrow();
    const target = await db.selectFrom('identities').selectAll().where('entity_id', '=', uae2.id).executeTakeFirstOrThrow();
    // Another entity's full name, and this entity's own email moved into its mobile number column.
    await db.updateTable('identities').set({ full_name: source.full_name, mobile_number: target.email_address }).where('entity_id', '=', uae2.id).execute();
    try {
      const { answer, entity } = await readEntity(gateway, uae2.id);
      const errors = (answer.body.errors ?? []) as ErrorWithPath[];
      expect(errors.map((e) => [e.extensions?.code, e.path?.join('.')]).sort()).toEqual([
        ['PERSONAL_DATA_UNREADABLE', 'node.identity.fullName'],
        ['PERSONAL_DATA_UNREADABLE', 'node.identity.mobileNumber'],
      ]);
      // A non-null union member with nullable fields: the other fields answer.
      expect(entity.identity['emailAddress']).toBe(clear.get(uae2.id)?.identity['emailAddress']);
      expect(entity.identity['nationalIdentityNumber']).toBe(clear.get(uae2.id)?.identity['nationalIdentityNumber']);
    } finally {
      await db.updateTable('identities').set({ full_name: target.full_name, mobile_number: target.mobile_number }).where('entity_id', '=', uae2.id).execute();
    }
  });
});

describe('encryption keys rotate by key id', () => {
  let database: TestDatabase;
  let stateDir: string;
  let gateway: TestGateway | undefined;
  const start = async (keys: string) => {
    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY, GATEWAY_ENCRYPTION_KEY: keys, LEAN_SANDBOX_STATE_FILE: join(stateDir, 'lean.json') });
    return gateway;
  };
  const restart = async (keys: string) => {
    await gateway?.stop();
    gateway = undefined;
    return start(keys);
  };

  beforeAll(async () => {
    database = await createTestDatabase('personal_data_rotation');
    stateDir = await mkdtemp(join(tmpdir(), 'gw-rotation-'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('values sealed under k1 open while k1 is listed, new writes use k2, and without k1 they answer a typed error', async () => {
    let running = await start(`k1:${K1}`);
    const customer = await createCustomer(running, 'rotating-user', { token: SERVICE_KEY });
    const first = await linkBank(running, customer.leanCustomerId, 'LEA1_SAMAOB_SAU');
    const before = await readEntity(running, first.id);
    expect(before.answer.body.errors).toBeUndefined();
    expect(before.entity.identity['fullName']).toMatch(/\S/);
    const firstKeys = new Set([...(await storedPersonalData(running)).values()].map(keyIdOf));
    expect(firstKeys).toEqual(new Set(['k1']));

    // k2 first: k1's values still open; everything written from now on is under k2.
    running = await restart(`k2:${K2},k1:${K1}`);
    const after = await readEntity(running, first.id);
    expect(after.answer.body.errors).toBeUndefined();
    expect(after.entity).toEqual(before.entity);
    const second = await linkBank(running, customer.leanCustomerId, 'LEANMB1');
    expect((await readEntity(running, second.id)).answer.body.errors).toBeUndefined();
    const stored = await storedPersonalData(running);
    const keyByEntity = (entityId: string, accountIds: string[]) =>
      new Set([...stored].filter(([place]) => place.endsWith(entityId) || accountIds.some((id) => place.endsWith(`:${id}`))).map(([, text]) => keyIdOf(text)));
    expect(keyByEntity(second.id, second.accountIds)).toEqual(new Set(['k2']));
    expect(keyByEntity(first.id, first.accountIds)).toEqual(new Set(['k1']));

    // Only k2: what k1 sealed answers PERSONAL_DATA_UNREADABLE field by field; nothing crashes, k2's data reads.
    running = await restart(`k2:${K2}`);
    const orphaned = await readEntity(running, first.id);
    expect(orphaned.answer.status).toBe(200);
    const codes = new Set(((orphaned.answer.body.errors ?? []) as ErrorWithPath[]).map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(['PERSONAL_DATA_UNREADABLE']));
    expect(orphaned.entity.identity.__typename).toBe('Identity');
    expect(orphaned.entity.identity['fullName']).toBeNull();
    expect(orphaned.entity.accounts.accounts.map((a) => a.name)).toEqual(before.entity.accounts.accounts.map((a) => a.name));
    expect(running.logs.some((line) => line.includes('personal data could not be opened') && line.includes('"reason":"unknown_key"'))).toBe(true);
    const fine = await readEntity(running, second.id);
    expect(fine.answer.body.errors).toBeUndefined();
    expect(fine.entity.identity['fullName']).toMatch(/\S/);
  });

  it('rows stored in clear text before migration 0004 are sealed at the next start and read the same', async () => {
    let running = gateway ?? (await start(`k2:${K2}`));
    const customer = await createCustomer(running, 'legacy-user', { token: SERVICE_KEY });
    const entity = await linkBank(running, customer.leanCustomerId, 'LEANMB2');
    const { entity: read } = await readEntity(running, entity.id);
    const { db } = running.database;
    // As a gateway before sealing wrote them, and as migration 0004 lists tables that hold rows.
    await db
      .updateTable('identities')
      .set({ full_name: read.identity['fullName'] ?? null, email_address: read.identity['emailAddress'] ?? null })
      .where('entity_id', '=', entity.id)
      .execute();
    for (const account of read.accounts.accounts) await db.updateTable('accounts').set({ iban: account.iban }).where('id', '=', account.leanAccountId).execute();
    await db.insertInto('personal_data_unsealed').values([{ table_name: 'identities' }, { table_name: 'accounts' }]).execute();

    running = await restart(`k2:${K2}`);
    expect(running.logs.some((line) => line.includes('personal data stored before sealing existed is sealed now'))).toBe(true);
    const tables = await personalTablesText(running);
    for (const value of [read.identity['fullName'], read.identity['emailAddress'], ...read.accounts.accounts.map((a) => a.iban)]) {
      expect(value).toMatch(/\S{4}/);
      expect(tables).not.toContain(value);
    }
    expect(await running.database.db.selectFrom('personal_data_unsealed').selectAll().execute()).toEqual([]);
    const again = await readEntity(running, entity.id);
    expect(again.answer.body.errors).toBeUndefined();
    expect(again.entity).toEqual(read);
  });
});

describe('without GATEWAY_ENCRYPTION_KEY (outside production)', () => {
  let database: TestDatabase;
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('personal_data_dev_key');
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('seals with the development key and warns at start that it is publicly known', async () => {
    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY });
    const warning = gateway.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.msg.includes('GATEWAY_ENCRYPTION_KEY'));
    expect(warning).toMatchObject({ level: 40 });
    expect(warning?.msg).toContain('publicly known development key');
    const customer = await createCustomer(gateway, 'dev-key-user', { token: SERVICE_KEY });
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    expect((await readEntity(gateway, entity.id)).answer.body.errors).toBeUndefined();
    const keys = new Set([...(await storedPersonalData(gateway)).values()].map(keyIdOf));
    expect(keys).toEqual(new Set(['dev']));
  });

  it('a gateway given a key does not warn', async () => {
    const other = await createTestDatabase('personal_data_own_key');
    const keyed = await startTestGateway({ ...other.env, GATEWAY_ENCRYPTION_KEY: `k1:${K1}` });
    try {
      expect(keyed.logs.some((line) => line.includes('GATEWAY_ENCRYPTION_KEY'))).toBe(false);
      expect(keyed.logs.some((line) => line.includes('gateway ready'))).toBe(true);
    } finally {
      await keyed.stop();
      await other.drop();
    }
  });
});
