export * from "./draw-types.js";
export { Surface, MAX_SURFACE_PIXELS } from "./surface.js";
export { Rop, ropFromDescriptor, applyRop } from "./rop.js";
export { Rop3, rop3Bit } from "./rop3.js";
export { drawRegion, unionRects, intersectRect } from "./region.js";
