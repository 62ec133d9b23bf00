/** Append-only record of who did what to which order; never holds secrets. */
export interface AuditEntry {
  readonly _id: string;
  readonly tenantId: string;
  readonly at: Date;
  /** `telegram:123`, `whatsapp:2547…@c.us`, `admin`, `system`. */
  readonly actor: string;
  readonly action: string;
  readonly orderRef?: string;
  readonly subjectId?: string;
  readonly detail?: Record<string, unknown>;
}
