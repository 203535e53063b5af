import { CodecError } from "../errors.js";

/**
 * A GLZ image refers to a dictionary image that is not held. `pending` is true when that image
 * was never seen and not yet released: it may still arrive on another display channel (§5.3,
 * images can arrive out of order), so the caller can wait for it and decode again. When false
 * the image is gone for good.
 */
export class GlzMissingImageError extends CodecError {
  readonly imageId: number;
  readonly pending: boolean;

  constructor(imageId: number, pending: boolean, offset?: number) {
    super("ERR_GLZ_MISSING_IMAGE", `GLZ reference to ${pending ? "not yet decoded" : "released"} image ${imageId}`, offset);
    this.imageId = imageId;
    this.pending = pending;
  }
}
