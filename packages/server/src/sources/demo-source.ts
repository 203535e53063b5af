import { FramebufferSource } from "./framebuffer-source.js";

/**
 * The built-in demo desktop: a gradient backdrop, a window-like panel, a bouncing square
 * (10 frames/s) and a canvas the pointer paints on. Keys flash the panel's title bar.
 */
export class DemoSource extends FramebufferSource {
  private timer?: ReturnType<typeof setInterval>;
  private t = 0;
  private box = { x: 100, y: 120, dx: 7, dy: 5, size: 48 };

  constructor(width = 1024, height = 768) {
    super({
      width,
      height,
      description: "demo desktop",
      onPointer: (x, y, buttons) => {
        if (buttons & 1) this.fillRect(x - 3, y - 3, 6, 6, 0xffcc00);
      },
      onKey: (_sc, down) => {
        if (down) this.fillRect(40, 40, 400, 24, 0x2a9d8f + ((this.t * 2654435761) & 0x3f3f3f));
      },
      resizable: true,
    });
    this.paintBackground();
  }

  private paintBackground(): void {
    const { width, height, pixels } = this;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        pixels[i] = 90 + ((y * 80) / height) | 0;
        pixels[i + 1] = 50 + ((x * 40) / width) | 0;
        pixels[i + 2] = 30;
        pixels[i + 3] = 255;
      }
    }
    this.fillRect(40, 40, 400, 260, 0xf4f1de);
    this.fillRect(40, 40, 400, 24, 0x3d405b);
    this.damage();
  }

  override async start(listeners: Parameters<FramebufferSource["start"]>[0]): Promise<void> {
    await super.start(listeners);
    this.timer = setInterval(() => this.tick(), 100);
    this.timer.unref?.();
  }

  override async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await super.stop();
  }

  private tick(): void {
    this.t++;
    const b = this.box;
    this.fillRect(b.x, b.y, b.size, b.size, 0xf4f1de);
    b.x += b.dx;
    b.y += b.dy;
    if (b.x < 40 || b.x + b.size > 440) b.dx = -b.dx;
    if (b.y < 64 || b.y + b.size > 300) b.dy = -b.dy;
    b.x = Math.max(40, Math.min(440 - b.size, b.x));
    b.y = Math.max(64, Math.min(300 - b.size, b.y));
    this.fillRect(b.x, b.y, b.size, b.size, (0xe07a5f + this.t * 0x010203) & 0xffffff);
  }

  override resize(width: number, height: number): void {
    super.resize(width, height);
    this.paintBackground();
  }
}
