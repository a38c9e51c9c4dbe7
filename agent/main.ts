// berth-agent command line: flags (with env fallbacks) → startAgent.
import { parseArgs } from 'node:util';
import { AgentStartError } from './server/agent-start-error.ts';
import { loadOrCreateKeyFile } from './server/key-file.ts';
import { DEFAULT_DOCKER_SOCKET, startAgent } from './server/start-agent.ts';

const HELP = `Usage: berth-agent [options]

Runs the Berth agent: the only process that talks to Docker on this host.
It accepts requests signed by the one control-plane key it is given.

Options (each with an environment fallback):
  --listen HOST:PORT          address to serve on            BERTH_AGENT_LISTEN    (default 127.0.0.1:7171)
  --docker-socket PATH        Docker Engine socket            BERTH_DOCKER_SOCKET   (default ${DEFAULT_DOCKER_SOCKET})
  --key-file PATH             the agent's private key; created (mode 0600) on first start
                                                              BERTH_AGENT_KEY_FILE  (default .berth/agent.key)
  --control-plane-key KEY     control plane public key, base64url (required)
                                                              BERTH_CONTROL_PLANE_KEY
  --tls-cert PATH             serve HTTPS with this PEM certificate   BERTH_AGENT_TLS_CERT
  --tls-key PATH              ... and this PEM private key            BERTH_AGENT_TLS_KEY
  --print-public-key          print the agent's public key (creating the key file if needed) and exit
  --help                      show this help

At start the agent prints its public key and key id: enroll them on the
control plane as this host's agent key.
`;

function fail(message: string, exitCode = 1): never {
  process.stderr.write(`berth-agent: ${message}\n`);
  process.exit(exitCode);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        listen: { type: 'string' },
        'docker-socket': { type: 'string' },
        'key-file': { type: 'string' },
        'control-plane-key': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'print-public-key': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message.replace(/\.?$/, '.')} See --help.`, 2);
  }
}

/** "HOST:PORT", with IPv6 hosts in brackets: "[::1]:7171". */
function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) return fail(`The --listen value must be HOST:PORT (e.g. 127.0.0.1:7171), not "${value}".`, 2);
  return { host: match[1] ?? match[2] ?? '', port };
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const env = process.env;
  if (flags.help) {
    process.stdout.write(HELP);
    return;
  }
  const keyFile = flags['key-file'] ?? env.BERTH_AGENT_KEY_FILE ?? '.berth/agent.key';
  if (flags['print-public-key']) {
    const keys = await loadOrCreateKeyFile(keyFile);
    process.stdout.write(`${keys.publicKey.encoded}\n`);
    return;
  }

  const controlPlanePublicKey = flags['control-plane-key'] ?? env.BERTH_CONTROL_PLANE_KEY;
  if (!controlPlanePublicKey) {
    return fail('The control-plane public key is required (--control-plane-key or BERTH_CONTROL_PLANE_KEY): the agent accepts only requests signed by that key.');
  }
  const tlsCert = flags['tls-cert'] ?? env.BERTH_AGENT_TLS_CERT;
  const tlsKey = flags['tls-key'] ?? env.BERTH_AGENT_TLS_KEY;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) return fail('The --tls-cert and --tls-key options go together: give both or neither.', 2);
  const { host, port } = parseListen(flags.listen ?? env.BERTH_AGENT_LISTEN ?? '127.0.0.1:7171');

  const agent = await startAgent({
    controlPlanePublicKey,
    keyFile,
    dockerSocket: flags['docker-socket'] ?? env.BERTH_DOCKER_SOCKET ?? DEFAULT_DOCKER_SOCKET,
    listen: { host, port },
    ...(tlsCert && tlsKey ? { tls: { certFile: tlsCert, keyFile: tlsKey } } : {}),
  });
  process.stdout.write(
    [
      `berth-agent listening on ${agent.url}`,
      `agent key id:     ${agent.publicKey.keyId}${agent.keyCreated ? ' (new key, created in ' + keyFile + ')' : ''}`,
      `agent public key: ${agent.publicKey.encoded}`,
      ...(agent.tlsFingerprint ? [`TLS fingerprint:  ${agent.tlsFingerprint}`] : []),
      '',
    ].join('\n'),
  );

  const stop = (signal: string) => {
    process.stdout.write(`berth-agent: ${signal}, finishing open requests\n`);
    agent.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof AgentStartError) fail(error.message);
  process.stderr.write(`berth-agent: unexpected failure: ${String(error)}\n`);
  process.exit(1);
});
