// Announcements, one after another and never overlapping: the server's WAV (chime, then speech),
// or a chime made here when the audio cannot be fetched.

const MAX_PLAY_MS = 30000;

export class Voice {
  /**
   * @param {object} hooks
   * @param {(available: boolean, detail: string) => void} hooks.onSpeech whether the server could speak
   * @param {() => Promise<void>} hooks.needGesture resolves once a person allowed sound (autoplay blocked)
   * @param {(meta: any, queued: any[]) => void} [hooks.onPlay] an announcement starts (meta as given to announce)
   * @param {() => void} [hooks.onIdle] the last queued announcement has been played
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.queue = [];
    this.busy = false;
    this.played = []; // what was announced, for people and tests: {url, ok}
  }

  announce(url, meta = null) {
    this.queue.push({ url, meta });
    if (!this.busy) this.next();
  }

  /** What is still waiting to be announced (metas, in order). */
  queued() {
    return this.queue.map((item) => item.meta);
  }

  async next() {
    const item = this.queue.shift();
    if (item === undefined) {
      this.busy = false;
      this.hooks.onIdle?.();
      return;
    }
    const { url, meta } = item;
    this.busy = true;
    this.hooks.onPlay?.(meta, this.queued());
    let ok = false;
    try {
      ok = await this.playUrl(url);
    } catch {
      ok = false;
    }
    if (!ok) await chime();
    this.played.push({ url, ok });
    this.next();
  }

  async playUrl(url) {
    const response = await fetch(url);
    if (!response.ok) {
      this.hooks.onSpeech(false, `audio ${response.status}`);
      return false;
    }
    const speech = response.headers.get("X-BranchQ-Speech") || "ok";
    this.hooks.onSpeech(speech === "ok", response.headers.get("X-BranchQ-Speech-Detail") || speech);
    const blobUrl = URL.createObjectURL(await response.blob());
    try {
      return await this.playBlob(blobUrl);
    } finally {
      URL.revokeObjectURL(blobUrl);
    }
  }

  async playBlob(blobUrl) {
    const audio = new Audio(blobUrl);
    try {
      await audio.play();
    } catch (error) {
      if (error?.name !== "NotAllowedError") return false;
      await this.hooks.needGesture();
      await audio.play();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), MAX_PLAY_MS);
      const done = (ok) => () => {
        clearTimeout(timer);
        resolve(ok);
      };
      audio.addEventListener("ended", done(true));
      audio.addEventListener("error", done(false));
    });
  }
}

/** A two-tone "ding-dong" with Web Audio, for when there is no announcement audio at all. */
export function chime() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return Promise.resolve();
  const context = new Context();
  [
    [880, 0, 0.25],
    [659.25, 0.25, 0.45],
  ].forEach(([frequency, start, length]) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.3, context.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + start + length);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(context.currentTime + start);
    oscillator.stop(context.currentTime + start + length);
  });
  return new Promise((resolve) => setTimeout(() => context.close().finally(resolve), 800));
}
