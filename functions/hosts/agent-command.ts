/**
 * The command that starts an agent on a new host for this control plane, run
 * from a copy of Berth (`npm run agent -- …` and `npx berth-agent …` there do
 * the same). It listens on every interface, since the control plane is on
 * another machine; the flags are those of `bin/berth-agent.js --help`. The key
 * is joined with `=`: a base64url key may start with "-", which would
 * otherwise read as another flag.
 */
export function agentStartCommand(controlPlanePublicKey: string): string {
  return `node bin/berth-agent.js --listen 0.0.0.0:7171 --control-plane-key=${controlPlanePublicKey}`;
}
