import type Dockerode from 'dockerode';
import type { VerifiedRequest } from '../protocol/signing.ts';

/** What every agent handler can rely on through `c.var`. */
export interface AgentEnv {
  Variables: {
    docker: Dockerode;
    /** This agent's key id. */
    agentId: string;
    /** Set once the request's signature checked out (after requireSignedRequest). */
    signedRequest: VerifiedRequest;
  };
}
