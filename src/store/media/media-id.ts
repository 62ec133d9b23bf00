import { DukaError } from "../../domain/errors.js";
import { newId } from "../../domain/ids.js";

// `newId("med")`: the prefix and 96 random bits in hex. Nothing else is ever a media id, so
// an id can name a file without any path ever escaping the media directory.
const MEDIA_ID = /^med_[a-f0-9]{24}$/;

export function newMediaId(): string {
  return newId("med");
}

/** Refuses anything that is not a media id this store issued the shape of. */
export function assertMediaId(mediaId: string): void {
  if (!MEDIA_ID.test(mediaId)) {
    throw new DukaError("invalid", "A media id is `med_` followed by 24 lowercase hex digits");
  }
}
