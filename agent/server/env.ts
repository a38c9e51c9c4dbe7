import type Dockerode from 'dockerode';
import type { PullJobs } from '../docker/pull-jobs.ts';
import type { VerifiedRequest } from '../protocol/signing.ts';

/** What every agent handler can rely on through `c.var`. */
export interface AgentEnv {
  Variables: {
    docker: Dockerode;
    /** This agent's key id. */
    agentId: string;
    /** This agent's pull jobs (they outlive the requests that start them). */
    pulls: PullJobs;
    /** Set once the request's signature checked out (after requireSignedRequest). */
    signedRequest: VerifiedRequest;
  };
}
