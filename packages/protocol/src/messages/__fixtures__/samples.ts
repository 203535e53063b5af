import { hex } from "./helpers.js";

/**
 * One sample body per message of every channel set, keyed by set scope then message name.
 * Used by the round-trip tests and as seeds for the mutation fuzzing.
 */

const rect = { top: 1, left: 2, bottom: 30, right: 40 };
const clipNone = { type: 0 };
const clipRects = { type: 1, rects: [rect] };
const base = { surfaceId: 0, box: rect, clip: clipNone };
const baseClipped = { surfaceId: 1, box: rect, clip: clipRects };
const lzImage = { id: 0x0000000100000002n, type: 101, flags: 0, width: 4, height: 2, data: hex("20205a4c 00010002") };
const quicImage = { id: 7n, type: 1, flags: 1, width: 4, height: 2, data: hex("51554943 01") };
const bitmapImage = {
  id: 3n,
  type: 0,
  flags: 0,
  width: 2,
  height: 2,
  bitmap: {
    format: 5,
    flags: 4,
    x: 2,
    y: 2,
    stride: 4,
    paletteId: null,
    palette: { unique: 9n, ents: [0x00ff0000, 0x0000ff00] },
    data: hex("00010000 01000000"),
  },
};
const noMask = { flags: 0, pos: { x: 0, y: 0 }, bitmap: null };
const mask = { flags: 1, pos: { x: 3, y: 4 }, bitmap: { id: 0n, type: 103, flags: 0, width: 2, height: 2 } };
const solid = { type: 1, color: 0xffffffff };
const pattern = { type: 2, pat: quicImage, pos: { x: 5, y: -6 } };
const wait = [{ channelType: 2, channelId: 0, messageSerial: 42n }];

export const baseServerSamples = {
  Migrate: { flags: 3 },
  MigrateData: { data: hex("0102") },
  SetAck: { generation: 1, window: 20 },
  Ping: { id: 2, timestamp: 123456789n, padding: new Uint8Array(3) },
  WaitForChannels: { waitList: wait },
  Disconnecting: { timeStamp: 5n, reason: 1 },
  Notify: { timeStamp: 9n, severity: 1, visibility: 2, what: 0, message: hex("6869") },
};

export const baseClientSamples = {
  AckSync: { generation: 1 },
  Ack: {},
  Pong: { id: 2, timestamp: 123456789n },
  MigrateFlushMark: {},
  MigrateData: { data: hex("0304") },
  Disconnecting: { timeStamp: 6n, reason: 0 },
};

const vmcServer = {
  ...baseServerSamples,
  Data: { data: hex("deadbeef") },
  CompressedData: { type: 1, uncompressedSize: 2000, compressedData: hex("1f00") },
};
const vmcClient = {
  ...baseClientSamples,
  Data: { data: hex("cafe") },
  CompressedData: { type: 0, compressedData: hex("0102") },
};

export const samples: Record<string, Record<string, unknown>> = {
  "main.server": {
    ...baseServerSamples,
    MigrateBegin: { port: 5900, sport: 5901, hostSize: 4, hostData: hex("686f7374"), certSubjectSize: 0, certSubjectData: null },
    MigrateCancel: {},
    Init: {
      sessionId: 1,
      displayChannelsHint: 1,
      supportedMouseModes: 3,
      currentMouseMode: 1,
      agentConnected: 0,
      agentTokens: 10,
      multiMediaTime: 0,
      ramHint: 0,
    },
    ChannelsList: { channels: [{ type: 2, id: 0 }] },
    MouseMode: { supportedModes: 3, currentMode: 2 },
    MultiMediaTime: { time: 1000 },
    AgentConnected: {},
    AgentDisconnected: { errorCode: 0 },
    AgentData: { data: hex("01000000") },
    AgentToken: { numTokens: 5 },
    MigrateSwitchHost: { port: 1, sport: 2, hostSize: 1, hostData: hex("68"), certSubjectSize: 1, certSubjectData: hex("63") },
    MigrateEnd: {},
    Name: { name: hex("51454d5500") },
    Uuid: { uuid: new Uint8Array(16) },
    AgentConnectedTokens: { numTokens: 10 },
    MigrateBeginSeamless: {
      dstInfo: { port: 1, sport: 0, hostSize: 1, hostData: hex("68"), certSubjectSize: 0, certSubjectData: null },
      srcMigVersion: 2,
    },
    MigrateDstSeamlessAck: {},
    MigrateDstSeamlessNack: {},
  },
  "main.client": {
    ...baseClientSamples,
    ClientInfo: { cacheSize: 0n },
    MigrateConnected: {},
    MigrateConnectError: {},
    AttachChannels: {},
    MouseModeRequest: { mode: 2 },
    AgentStart: { numTokens: 0xffffffff },
    AgentData: { data: hex("01") },
    AgentToken: { numTokens: 1 },
    MigrateEnd: {},
    MigrateDstDoSeamless: { srcVersion: 1 },
    MigrateConnectedSeamless: {},
    QualityIndicator: { text: hex("6f6b") },
  },
  "display.server": {
    ...baseServerSamples,
    Mode: { xRes: 1024, yRes: 768, bits: 32 },
    Mark: {},
    Reset: {},
    CopyBits: { base, srcPos: { x: 0, y: 16 } },
    InvalList: { resources: [{ type: 1, id: 77n }] },
    InvalAllPixmaps: { waitList: wait },
    InvalPalette: { id: 9n },
    InvalAllPalettes: {},
    StreamCreate: {
      surfaceId: 0,
      id: 3,
      flags: 1,
      codecType: 1,
      stamp: 10n,
      streamWidth: 320,
      streamHeight: 240,
      srcWidth: 320,
      srcHeight: 240,
      dest: rect,
      clip: clipRects,
    },
    StreamData: { base: { id: 3, multiMediaTime: 1234 }, data: hex("ffd8ffd9") },
    StreamClip: { id: 3, clip: clipNone },
    StreamDestroy: { id: 3 },
    StreamDestroyAll: {},
    DrawFill: { base, data: { brush: solid, ropDescriptor: 8, mask: noMask } },
    DrawOpaque: { base, data: { srcBitmap: lzImage, srcArea: rect, brush: pattern, ropDescriptor: 8, scaleMode: 1, mask } },
    DrawCopy: { base: baseClipped, data: { srcBitmap: bitmapImage, srcArea: rect, ropDescriptor: 8, scaleMode: 0, mask: noMask } },
    DrawBlend: { base, data: { srcBitmap: quicImage, srcArea: rect, ropDescriptor: 16, scaleMode: 0, mask: noMask } },
    DrawBlackness: { base, data: { mask: noMask } },
    DrawWhiteness: { base, data: { mask } },
    DrawInvers: { base, data: { mask: noMask } },
    DrawRop3: { base, data: { srcBitmap: lzImage, srcArea: rect, brush: { type: 0 }, rop3: 0xcc, scaleMode: 0, mask: noMask } },
    DrawStroke: {
      base,
      data: {
        path: {
          segments: [
            { flags: 1, points: [{ x: 16, y: 16 }, { x: 160, y: 16 }] },
            { flags: 2 | 16, points: [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }] },
          ],
        },
        attr: { flags: 8, style: [16, 32, 48] },
        brush: solid,
        foreMode: 8,
        backMode: 8,
      },
    },
    DrawText: {
      base,
      data: {
        str: {
          flags: 2 | 8,
          glyphs: [
            { renderPos: { x: 1, y: 2 }, glyphOrigin: { x: 0, y: -5 }, width: 3, height: 2, data: hex("12 34 56 78") },
            { renderPos: { x: 4, y: 2 }, glyphOrigin: { x: 0, y: 0 }, width: 0, height: 0, data: new Uint8Array(0) },
          ],
        },
        backArea: rect,
        foreBrush: solid,
        backBrush: { type: 0 },
        foreMode: 8,
        backMode: 8,
      },
    },
    DrawTransparent: { base, data: { srcBitmap: lzImage, srcArea: rect, srcColor: 0xff00ff, trueColor: 0xff00ff } },
    DrawAlphaBlend: { base, data: { alphaFlags: 1, alpha: 128, srcBitmap: lzImage, srcArea: rect } },
    SurfaceCreate: { surfaceId: 0, width: 1024, height: 768, format: 32, flags: 1 },
    SurfaceDestroy: { surfaceId: 1 },
    StreamDataSized: { base: { id: 1, multiMediaTime: 5 }, width: 64, height: 48, dest: rect, data: hex("00") },
    MonitorsConfig: { maxAllowed: 4, heads: [{ monitorId: 0, surfaceId: 0, width: 1024, height: 768, x: 0, y: 0, flags: 0 }] },
    DrawComposite: {
      base,
      data: {
        flags: 3 | (1 << 19) | (1 << 20),
        srcBitmap: lzImage,
        maskBitmap: quicImage,
        srcTransform: { t00: 0x10000, t01: 0, t02: 0, t10: 0, t11: 0x10000, t12: 0 },
        maskTransform: null,
        srcOrigin: { x: 1, y: 2 },
        maskOrigin: { x: -1, y: -2 },
      },
    },
    StreamActivateReport: { streamId: 1, uniqueId: 2, maxWindowSize: 5, timeoutMs: 1000 },
    GlScanoutUnix: { width: 1024, height: 768, stride: 4096, drmFourccFormat: 0x34325258, flags: 1 },
    GlDraw: { x: 0, y: 0, w: 10, h: 10 },
    QualityIndicator: { text: hex("67") },
  },
  "display.client": {
    ...baseClientSamples,
    Init: { pixmapCacheId: 1, pixmapCacheSize: 20971520n, glzDictionaryId: 1, glzDictionaryWindowSize: 14679040 },
    StreamReport: {
      streamId: 1,
      uniqueId: 2,
      startFrameMmTime: 100,
      endFrameMmTime: 200,
      numFrames: 5,
      numDrops: 0,
      lastFrameDelay: -20,
      audioDelay: 0xffffffff,
    },
    PreferredCompression: { imageCompression: 7 },
    GlDrawDone: {},
    PreferredVideoCodecType: { codecs: [3, 1] },
  },
  "inputs.server": {
    ...baseServerSamples,
    Init: { keyboardModifiers: 2 },
    KeyModifiers: { modifiers: 4 },
    MouseMotionAck: {},
  },
  "inputs.client": {
    ...baseClientSamples,
    KeyDown: { code: 0x1e },
    KeyUp: { code: 0x9e },
    KeyModifiers: { modifiers: 0 },
    KeyScancode: { data: hex("1e9e") },
    MouseMotion: { dx: -3, dy: 4, buttonsState: 1 },
    MousePosition: { x: 100, y: 200, buttonsState: 0, displayId: 0 },
    MousePress: { button: 1, buttonsState: 1 },
    MouseRelease: { button: 1, buttonsState: 0 },
  },
  "cursor.server": {
    ...baseServerSamples,
    Init: { position: { x: 0, y: 0 }, trailLength: 0, trailFrequency: 0, visible: 1, cursor: { flags: 1, header: null, data: new Uint8Array(0) } },
    Reset: {},
    Set: {
      position: { x: 10, y: -1 },
      visible: 1,
      cursor: {
        flags: 2,
        header: { unique: 0x1234n, type: 0, width: 1, height: 1, hotSpotX: 0, hotSpotY: 0 },
        data: hex("ff000080"),
      },
    },
    Move: { position: { x: 5, y: 6 } },
    Hide: {},
    Trail: { length: 3, frequency: 4 },
    InvalOne: { id: 0x1234n },
    InvalAll: {},
  },
  "cursor.client": { ...baseClientSamples },
  "playback.server": {
    ...baseServerSamples,
    Data: { time: 100, data: new Uint8Array(8) },
    Mode: { time: 100, mode: 3, data: new Uint8Array(0) },
    Start: { channels: 2, format: 1, frequency: 48000, time: 100 },
    Stop: {},
    Volume: { volume: [0x8000, 0x8000] },
    Mute: { mute: 1 },
    Latency: { latencyMs: 200 },
  },
  "playback.client": { ...baseClientSamples },
  "record.server": {
    ...baseServerSamples,
    Start: { channels: 2, format: 1, frequency: 48000 },
    Stop: {},
    Volume: { volume: [1] },
    Mute: { mute: 0 },
  },
  "record.client": {
    ...baseClientSamples,
    Data: { time: 1, data: hex("0102") },
    Mode: { time: 1, mode: 1, data: new Uint8Array(0) },
    StartMark: { time: 7 },
  },
  "smartcard.server": { ...baseServerSamples, Data: { type: 5, readerId: 0, data: hex("3b8f") } },
  "smartcard.client": { ...baseClientSamples, Data: { type: 7, readerId: 0, data: hex("00a4040000") } },
  "spicevmc.server": vmcServer,
  "spicevmc.client": vmcClient,
  "port.server": {
    ...vmcServer,
    Init: { nameSize: 25, name: hex("6f72672e7370696365"), opened: 1 },
    Event: { event: 2 },
  },
  "port.client": { ...vmcClient, Event: { event: 0 } },
};
