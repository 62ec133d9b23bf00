import { type Queues, REMINDER_JOB_OPTIONS } from "./queues.js";

/** Schedules one reminder per receipt; `delayMs` 0 disables reminders. */
export function createReminderScheduler(queues: Queues, delayMs: number) {
  return async (tenantId: string, proofId: string): Promise<void> => {
    if (delayMs <= 0) return;
    await queues.reminders.add(
      "remind",
      { tenantId, proofId },
      { ...REMINDER_JOB_OPTIONS, jobId: `remind-${proofId}`, delay: delayMs },
    );
  };
}
