import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import { BotApiError, badRequest } from "../errors.js";
import type { UploadedFile } from "../params.js";

export interface MultipartBody {
  readonly fields: Record<string, string>;
  readonly uploads: Map<string, UploadedFile>;
}

/** Reads a multipart/form-data request fully into memory (text fields and file parts). */
export function parseMultipart(req: IncomingMessage, maxBytes: number): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes }, defParamCharset: "utf8" });
    } catch {
      reject(badRequest("can't parse multipart/form-data request"));
      return;
    }
    const fields: Record<string, string> = {};
    const uploads = new Map<string, UploadedFile>();
    const files: Promise<void>[] = [];
    let tooLarge = false;

    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => {
        tooLarge = true;
      });
      files.push(
        new Promise((done) => {
          stream.on("end", () => {
            uploads.set(name, {
              fieldName: name,
              fileName: info.filename ?? name,
              mimeType: info.mimeType,
              bytes: Buffer.concat(chunks),
            });
            done();
          });
        }),
      );
    });
    parser.on("error", () => reject(badRequest("can't parse multipart/form-data request")));
    parser.on("close", () => {
      void Promise.all(files).then(() => {
        if (tooLarge) reject(new BotApiError(413, "Request Entity Too Large"));
        else resolve({ fields, uploads });
      });
    });
    req.pipe(parser);
  });
}
