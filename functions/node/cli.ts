/** `berth <command>`: start the embedded default, or run an operator command. */
import { startBerth } from './main.ts';
import { AgentStartError } from '../../agent/server/agent-start-error.ts';
import { StartupError } from './startup-error.ts';

const usage = `Usage: berth <command>

Commands:
  start           Run the control plane and a local agent (npm start).
  help            Show this text.

Configuration comes from environment variables; see the README.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'start'] = argv;
  switch (command) {
    case 'start': {
      const berth = await startBerth();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => void berth.close().then(() => process.exit(0)));
      }
      return -1;
    }
    case 'help':
    case '--help':
      console.log(usage);
      return 0;
    default:
      console.error(`berth: unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof StartupError || err instanceof AgentStartError) {
      console.error(`berth: ${err.message}`);
    } else {
      console.error('berth: failed to start:', err);
    }
    process.exit(1);
  },
);
