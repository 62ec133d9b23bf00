import { extname } from "node:path";
import type { Document, File, PhotoSize } from "grammy/types";
import { newFileId, newFileUniqueId } from "../ids.js";
import type { MessageMedia } from "../types.js";
import { sniffImageSize } from "./image-size.js";

/** A file the emulator holds: uploaded by the bot or sent by a simulated user. */
export interface StoredFile {
  readonly fileId: string;
  readonly fileUniqueId: string;
  /** Relative path for `/file/bot<token>/<path>`. */
  readonly filePath: string;
  readonly kind: "photo" | "document";
  readonly bytes: Uint8Array;
  /** Reported file_size: the byte length, or a larger size a test declared without allocating it. */
  readonly fileSize: number;
  readonly fileName?: string;
  readonly mimeType?: string;
  readonly width?: number;
  readonly height?: number;
  /** For photos: every PhotoSize of the same picture, largest last. */
  photoSizes?: PhotoSize[];
}

export interface PhotoOptions {
  readonly fileSize?: number;
  readonly width?: number;
  readonly height?: number;
}

export interface DocumentOptions {
  readonly fileName?: string;
  readonly mimeType?: string;
  readonly fileSize?: number;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".zip": "application/zip",
};

export function guessMimeType(fileName: string | undefined): string | undefined {
  return fileName === undefined ? undefined : MIME_BY_EXTENSION[extname(fileName).toLowerCase()];
}

function scaled(width: number, height: number, maxSide: number): { width: number; height: number } {
  const factor = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  /**
   * Stores a photo the way Telegram presents one: 2–3 PhotoSize entries, largest last. The emulator
   * does not resize: every size serves the original bytes; only the largest reports a declared size.
   */
  addPhoto(bytes: Uint8Array, options: PhotoOptions = {}): { sizes: PhotoSize[]; largest: StoredFile } {
    const sniffed = sniffImageSize(bytes);
    const width = options.width ?? sniffed?.width ?? 1280;
    const height = options.height ?? sniffed?.height ?? 960;
    const longSide = Math.max(width, height);
    const dimensions = [scaled(width, height, 90)];
    if (longSide > 320) dimensions.push(scaled(width, height, 320));
    dimensions.push({ width, height });

    const files = dimensions.map((size, index) => {
      const isLargest = index === dimensions.length - 1;
      return this.add({
        kind: "photo",
        bytes,
        fileSize: isLargest ? (options.fileSize ?? bytes.byteLength) : bytes.byteLength,
        extension: ".jpg",
        width: size.width,
        height: size.height,
      });
    });
    const sizes = files.map((file) => asPhotoSize(file));
    for (const file of files) file.photoSizes = sizes;
    return { sizes, largest: files.at(-1) as StoredFile };
  }

  addDocument(bytes: Uint8Array, options: DocumentOptions = {}): StoredFile {
    const fileName = options.fileName;
    return this.add({
      kind: "document",
      bytes,
      fileSize: options.fileSize ?? bytes.byteLength,
      extension: fileName === undefined ? ".dat" : extname(fileName) || ".dat",
      fileName,
      mimeType: options.mimeType ?? guessMimeType(fileName) ?? "application/octet-stream",
    });
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  private add(input: {
    kind: "photo" | "document";
    bytes: Uint8Array;
    fileSize: number;
    extension: string;
    fileName?: string;
    mimeType?: string;
    width?: number;
    height?: number;
  }): StoredFile {
    this.counter++;
    const folder = input.kind === "photo" ? "photos" : "documents";
    const file: StoredFile = {
      fileId: newFileId(input.kind),
      fileUniqueId: newFileUniqueId(),
      filePath: `${folder}/file_${this.counter}${input.extension.toLowerCase()}`,
      kind: input.kind,
      bytes: input.bytes,
      fileSize: input.fileSize,
      ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
      ...(input.mimeType === undefined ? {} : { mimeType: input.mimeType }),
      ...(input.width === undefined ? {} : { width: input.width }),
      ...(input.height === undefined ? {} : { height: input.height }),
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }
}

export function asPhotoSize(file: StoredFile): PhotoSize {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width: file.width ?? 0,
    height: file.height ?? 0,
    file_size: file.fileSize,
  };
}

export function asDocument(file: StoredFile): Document {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    ...(file.fileName === undefined ? {} : { file_name: file.fileName }),
    ...(file.mimeType === undefined ? {} : { mime_type: file.mimeType }),
    file_size: file.fileSize,
  };
}

export function toTelegramFile(file: StoredFile): File {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.fileSize,
    file_path: file.filePath,
  };
}

/** The public view of a stored file, as tests read it. */
export function asMedia(file: StoredFile): MessageMedia {
  return {
    kind: file.kind,
    fileId: file.fileId,
    fileUniqueId: file.fileUniqueId,
    bytes: file.bytes,
    fileSize: file.fileSize,
    ...(file.fileName === undefined ? {} : { fileName: file.fileName }),
    ...(file.mimeType === undefined ? {} : { mimeType: file.mimeType }),
  };
}
