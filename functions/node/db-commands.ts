/**
 * `berth db grant-app` and `berth db create-auditor`: the MySQL accounts'
 * rights, applied with the owner account named by DATABASE_ADMIN_URL.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { accountOf, applyAppGrants, createAuditorAccount } from '../../db/grants.ts';
import { StartupError } from './startup-error.ts';

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new StartupError(`${name} is not set: ${why}`);
  return value;
}

/** Limits Berth's own account (the one in DATABASE_URL) to what the app needs; the audit trail becomes append-only. */
export async function grantAppCommand(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const adminUrl = required(env, 'DATABASE_ADMIN_URL', 'set it to an account allowed to grant (the owner, or root).');
  const appUrl = required(env, 'DATABASE_URL', "set it to Berth's own account, the one to limit.");
  const account = await accountOf(appUrl);
  const { warnings } = await applyAppGrants(adminUrl, account);
  print(`Granted '${account.user}'@'${account.host}' its rights on ${account.database}: audit_events INSERT and SELECT only.`);
  for (const warning of warnings) print(`warning: ${warning}`);
  return 0;
}

/**
 * Creates a read-only account for auditors: SELECT on the audit views only.
 * The password comes from BERTH_AUDITOR_PASSWORD, or is generated and printed
 * once (never taken from the command line, where other users could see it).
 */
export async function createAuditorCommand(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { host: { type: 'string', default: '%' } },
  });
  const [user] = positionals;
  if (!user || positionals.length > 1) throw new StartupError('Usage: berth db create-auditor <user> [--host <account host, default %>]');
  const adminUrl = required(env, 'DATABASE_ADMIN_URL', 'set it to an account allowed to create users and grant (the owner, or root).');
  const generated = !env.BERTH_AUDITOR_PASSWORD;
  const password = env.BERTH_AUDITOR_PASSWORD || randomBytes(18).toString('base64url');
  const result = await createAuditorAccount(adminUrl, { user, host: values.host, password });
  print(`Auditor account '${user}'@'${values.host}' may read ${result.views.join(', ')} in ${result.database}, and nothing else.`);
  if (generated) print(`Its password (shown once): ${password}`);
  for (const warning of result.warnings) print(`warning: ${warning}`);
  return 0;
}
