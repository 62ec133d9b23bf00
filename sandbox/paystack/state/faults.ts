const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Bad Request",
  401: "Invalid key",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function faultMessage(status: number, message: string | undefined): string {
  return message ?? DEFAULT_MESSAGES[status] ?? `Error ${status}`;
}
