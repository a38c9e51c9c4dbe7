/** `berth audit verify`: checks the audit trail's hash chain and names the first broken record. */
import { verifyAuditChain } from '../../db/audit/verify.ts';
import { connectDatabase } from '../../db/client.ts';
import { StartupError } from './startup-error.ts';

export async function auditVerifyCommand(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const url = env.DATABASE_ADMIN_URL || env.DATABASE_URL;
  if (!url) throw new StartupError("Set DATABASE_ADMIN_URL or DATABASE_URL to Berth's database to check its audit trail.");
  const database = connectDatabase(url, { connectionLimit: 1 });
  try {
    const result = await verifyAuditChain(database.db);
    if (result.ok) {
      print(`OK: the audit trail's ${result.count} records form an unbroken chain.`);
      // Kept outside the database, the head anchors the chain against a rewrite of every record after an edit.
      print(`Newest record #${result.head.id}, hash ${result.head.hash}`);
      return 0;
    }
    print(`BROKEN at record #${result.firstBrokenId}: ${result.reason}`);
    return 1;
  } finally {
    await database.close();
  }
}
