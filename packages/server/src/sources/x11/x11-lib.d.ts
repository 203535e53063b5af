/**
 * Minimal typings for the parts of the `x11` npm package (node-x11, no bundled types) that
 * the X11 source uses. Kept loose on purpose: the wrapper in x-connection.ts narrows them.
 */
declare module "x11" {
  /** Reply callback; a truthy return after an error marks it handled (no 'error' event). */
  export type XCallback<T> = (err: XProtocolError | null | undefined, result: T) => boolean | void;

  export interface XProtocolError extends Error {
    error?: number;
    seq?: number;
    badParam?: number;
    majorOpcode?: number;
    minorOpcode?: number;
  }

  export interface XVisual {
    vid: number;
    class: number;
    bits_per_rgb: number;
    map_ent: number;
    red_mask: number;
    green_mask: number;
    blue_mask: number;
  }

  export interface XScreen {
    root: number;
    pixel_width: number;
    pixel_height: number;
    root_visual: number;
    root_depth: number;
    depths: Record<number, Record<number, XVisual>>;
  }

  export interface XDisplay {
    screen: XScreen[];
    format: Record<number, { bits_per_pixel: number; scanline_pad: number }>;
    image_byte_order: number;
    min_keycode: number;
    max_keycode: number;
    max_request_length?: number;
    vendor: string;
    release: number;
  }

  export interface XEvent {
    name?: string;
    type: number;
    [field: string]: unknown;
  }

  export interface XClient {
    display: XDisplay;
    seq_num: number;
    on(event: "event", cb: (ev: XEvent) => void): this;
    on(event: "error", cb: (err: XProtocolError) => void): this;
    on(event: "end", cb: () => void): this;
    require(name: string, cb: (err: Error | null | undefined, ext: any) => void): void;
    AllocID(): number;
    ReleaseID(id: number): void;
    GetImage(format: number, drawable: number, x: number, y: number, w: number, h: number, planeMask: number, cb: XCallback<{ depth: number; visualId: number; data: Buffer }>): void;
    GetGeometry(drawable: number, cb: XCallback<{ width: number; height: number; depth: number }>): void;
    ChangeWindowAttributes(wid: number, values: Record<string, number>, cb?: XCallback<unknown>): void;
    GetInputFocus(cb: XCallback<unknown>): void;
    InternAtom(onlyIfExists: boolean, name: string, cb: XCallback<number>): void;
    CreateWindow(id: number, parent: number, x: number, y: number, width: number, height: number, borderWidth: number, depth: number, cls: number, visual: number, values: Record<string, number>): void;
    DestroyWindow(wid: number): void;
    /** mode 0 replace; format 8/16/32; data bytes (format 8) or numbers. */
    ChangeProperty(mode: number, wid: number, property: number, type: number, format: number, data: Buffer | number[]): void;
    GetProperty(del: number, wid: number, property: number, type: number, longOffset: number, longLength: number, cb: XCallback<{ type: number; format: number; bytesAfter: number; data: Buffer }>): void;
    SetSelectionOwner(owner: number, selection: number, time?: number): void;
    GetSelectionOwner(selection: number, cb: XCallback<number>): void;
    ConvertSelection(requestor: number, selection: number, target: number, property: number, time?: number): void;
    SendEvent(destination: number, propagate: boolean | number, eventMask: number, event: Buffer | Record<string, unknown>): void;
    QueryPointer(wid: number, cb: XCallback<{ rootX: number; rootY: number; mask?: number; keyMask?: number }>): void;
    terminate(): void;
    close(cb?: (err?: Error) => void): void;
    stream?: { destroy(): void; destroyed?: boolean };
  }

  export interface CreateClientOptions {
    display?: string;
    /** false/'off' disables MIT-SHM (and the fd-passing socket it needs). */
    shm?: boolean | "off";
    disableBigRequests?: boolean;
  }

  export function createClient(options: CreateClientOptions, cb: (err: Error | undefined, display: XDisplay) => void): XClient;

  export const eventMask: Record<string, number>;

  const x11: {
    createClient: typeof createClient;
    eventMask: typeof eventMask;
  };
  export default x11;
}
