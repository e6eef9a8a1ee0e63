import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database DATABASE_URL names when the server says it does not exist, through the
 * `postgres` maintenance database with the same credentials. Only the process that applies the
 * migrations calls this (it owns the schema already): `npm start` then works on a fresh local
 * PostgreSQL. Without the CREATEDB privilege it fails with PostgreSQL's own message; create the
 * database by hand then (`createdb doku_payments`).
 */
export async function ensureDatabase(
  url: string,
  log: (message: string) => void = (m) => new Logger('Database').log(m),
): Promise<boolean> {
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== INVALID_CATALOG_NAME) throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: 5_000,
  });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    log(`created database ${name}`);
    return true;
  } catch (err) {
    // Another process (the worker next to the API) created it first: fine.
    if ((err as { code?: string }).code === DUPLICATE_DATABASE) return false;
    throw err;
  } finally {
    await admin.end();
  }
}
