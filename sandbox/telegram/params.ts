import { badRequest } from "./errors.js";

/** One file part of a multipart/form-data request. */
export interface UploadedFile {
  /** The form field the part arrived under (grammY uses a random id and refers to it via `attach://`). */
  readonly fieldName: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

/** How a bot referred to a file in `photo`, `document`, …: see Bot API "Sending files". */
export type InputFileRef =
  | { readonly kind: "upload"; readonly file: UploadedFile }
  | { readonly kind: "file_id"; readonly fileId: string }
  | { readonly kind: "url"; readonly url: string };

/**
 * Method parameters as Telegram reads them: the same value may arrive as a JSON number, a query
 * string or a multipart text field, so every accessor coerces from strings. Absent, `null` and empty
 * strings all count as "not given", as they do in the real API.
 */
export class Params {
  constructor(
    readonly values: Readonly<Record<string, unknown>>,
    readonly uploads: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const value = this.values[name];
    return value !== undefined && value !== null && value !== "";
  }

  string(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.values[name];
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
  }

  /** An integer, or a 400 with `invalidDetail` when the value is present but not an integer. */
  int(name: string, invalidDetail = `invalid ${name} specified`): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.values[name];
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
    throw badRequest(invalidDetail);
  }

  bool(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.values[name];
    if (value === true || value === 1 || value === "true" || value === "1" || value === "True") return true;
    if (value === false || value === 0 || value === "false" || value === "0" || value === "False")
      return false;
    return undefined;
  }

  /** A JSON-serialized parameter (reply_markup, allowed_updates, commands, …) as an object. */
  json(name: string, invalidDetail: string): unknown {
    if (!this.has(name)) return undefined;
    const value = this.values[name];
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(invalidDetail);
    }
  }

  /**
   * A file parameter: a multipart part referenced by `attach://<name>`, a part sent directly under
   * the parameter's own name, an HTTP(S) URL, or a file_id.
   */
  inputFile(name: string): InputFileRef | undefined {
    const direct = this.uploads.get(name);
    if (direct !== undefined) return { kind: "upload", file: direct };
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value.startsWith("attach://")) {
      const file = this.uploads.get(value.slice("attach://".length));
      if (file === undefined)
        throw badRequest(`wrong remote file identifier specified: can't find attached file`);
      return { kind: "upload", file };
    }
    if (/^https?:\/\//i.test(value)) return { kind: "url", url: value };
    return { kind: "file_id", fileId: value.trim() };
  }
}
