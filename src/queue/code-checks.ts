import { CODE_CHECK_JOB_OPTIONS, type Queues } from "./queues.js";

/** Queues the check of a pasted SMS proof's M-Pesa code: one job per proof, however often asked. */
export function createCodeCheckScheduler(queues: Pick<Queues, "codes">) {
  return async (tenantId: string, proofId: string): Promise<void> => {
    await queues.codes.add(
      "check",
      { tenantId, proofId },
      { ...CODE_CHECK_JOB_OPTIONS, jobId: `code-${proofId}` },
    );
  };
}
