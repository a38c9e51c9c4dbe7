/** `berth <command>`: start the embedded default, or run an operator command. */
import { AgentStartError } from '../../agent/server/agent-start-error.ts';
import { auditVerifyCommand } from './audit-command.ts';
import { createAuditorCommand, grantAppCommand } from './db-commands.ts';
import { StartupError } from './startup-error.ts';

const usage = `Usage: berth <command>

Commands:
  start                   Run the control plane and a local agent (npm start).
  audit verify            Check the audit trail's hash chain (DATABASE_ADMIN_URL or DATABASE_URL).
  db grant-app            Limit the DATABASE_URL account to what Berth needs: the audit
                          trail becomes append-only (run with DATABASE_ADMIN_URL).
  db create-auditor <user> [--host %]
                          Create a read-only MySQL account for the audit views
                          (password from BERTH_AUDITOR_PASSWORD, or generated).
  help                    Show this text.

Configuration comes from environment variables; see the README.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'start', sub, ...rest] = argv;
  const print = (line: string) => console.log(line);
  switch (command) {
    case 'start': {
      // Loaded on demand: operator commands need neither Docker nor the agent.
      const { startBerth } = await import('./main.ts');
      const berth = await startBerth();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => void berth.close().then(() => process.exit(0)));
      }
      return -1;
    }
    case 'audit':
      if (sub === 'verify') return auditVerifyCommand(process.env, print);
      break;
    case 'db':
      if (sub === 'grant-app') return grantAppCommand(process.env, print);
      if (sub === 'create-auditor') return createAuditorCommand(rest, process.env, print);
      break;
    case 'help':
    case '--help':
      console.log(usage);
      return 0;
  }
  console.error(`berth: unknown command "${argv.join(' ')}".\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof StartupError || err instanceof AgentStartError) {
      console.error(`berth: ${err.message}`);
    } else {
      console.error(`berth: ${process.argv[2] ?? 'start'} failed:`, err);
    }
    process.exit(1);
  },
);
