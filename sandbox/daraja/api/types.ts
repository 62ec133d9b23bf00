/** A request as the API handlers see it (the HTTP layer has already routed and authorised it). */
export interface ApiRequest {
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  /** Parsed JSON body; undefined without one. */
  readonly body: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}
