import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Debian's chromium, installed by `infra/install-chromium.sh`. */
export const CHROMIUM = process.env.SFE_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // DevTools protocol over fds 3 (commands in) and 4 (replies out): no port, no WebSocket.
  '--remote-debugging-pipe',
];

const CALL_TIMEOUT_MS = 30_000;

interface Reply {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * A headless Chromium driven through the Chrome DevTools Protocol, enough to open a page,
 * evaluate expressions in it and take a screenshot. The browser runs in its own process group
 * with a fresh profile, and `close()` ends the whole group.
 */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(r: Reply) => void>();
  private stderrTail = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const toBrowser = child.stdio[3] as Writable;
    const fromBrowser = child.stdio[4] as Readable;
    toBrowser.on('error', () => {}); // a write after the browser died surfaces as a call error
    let buffered = '';
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\0')) >= 0) {
        this.dispatch(JSON.parse(buffered.slice(0, end)) as Reply);
        buffered = buffered.slice(end + 1);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const { reject } of this.pending.values()) {
        reject(new Error(`chromium exited (${code ?? signal}): ${this.stderrTail}`));
      }
      this.pending.clear();
    });
  }

  static async launch(): Promise<HeadlessChromium> {
    await access(CHROMIUM).catch(() => {
      throw new Error(`${CHROMIUM} not found: run 'bash infra/install-chromium.sh'`);
    });
    const profile = await mkdtemp(path.join(tmpdir(), 'sfe-chromium-'));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const browser = new HeadlessChromium(child, profile);
    await browser.send('Browser.getVersion');
    return browser;
  }

  /** Opens `url` in a new tab of `width` × `height` CSS pixels and waits for its load event. */
  async open(url: string, width: number, height: number): Promise<ChromiumPage> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const session = String(sessionId);
    await this.send('Page.enable', {}, session);
    await this.send(
      'Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile: false },
      session,
    );
    const loaded = this.waitFor('Page.loadEventFired', session);
    const navigation = await this.send('Page.navigate', { url }, session);
    if (navigation.errorText)
      throw new Error(`navigation to ${url}: ${String(navigation.errorText)}`);
    await loaded;
    return new ChromiumPage(this, session, width);
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(`chromium has exited: ${this.stderrTail}`));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no reply in ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
          else resolve(reply.result ?? {});
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /** Ends the browser and every process it started, then deletes its profile. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.killGroup(), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Renderer and GPU helpers share the group; none may outlive the test.
    this.killGroup();
    await rm(this.profile, { recursive: true, force: true });
  }

  private killGroup(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private waitFor(method: string, sessionId: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${method}: not received in ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      const listener = (reply: Reply): void => {
        if (reply.method !== method || reply.sessionId !== sessionId) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(reply);
      };
      this.listeners.add(listener);
    });
  }

  private dispatch(reply: Reply): void {
    if (reply.id !== undefined) {
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
      return;
    }
    for (const listener of this.listeners) listener(reply);
  }
}

export class ChromiumPage {
  constructor(
    private readonly browser: HeadlessChromium,
    private readonly sessionId: string,
    private readonly width: number,
  ) {}

  /** The JSON value of `expression`, awaited when it is a promise. */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = await this.browser.send(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    );
    const details = reply.exceptionDetails as {
      text?: string;
      exception?: { description?: string };
    };
    if (details) {
      throw new Error(`evaluate: ${details.exception?.description ?? details.text ?? 'exception'}`);
    }
    return (reply.result as { value: T }).value;
  }

  /** A PNG of the whole page, `width` wide, at one device pixel per CSS pixel. */
  async screenshot(): Promise<Buffer> {
    const height = await this.evaluate<number>('document.documentElement.scrollHeight');
    const { data } = await this.browser.send(
      'Page.captureScreenshot',
      {
        format: 'png',
        captureBeyondViewport: true,
        clip: { x: 0, y: 0, width: this.width, height, scale: 1 },
      },
      this.sessionId,
    );
    return Buffer.from(String(data), 'base64');
  }
}
