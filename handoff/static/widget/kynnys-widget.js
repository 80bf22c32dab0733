/*! Kynnys youth chat widget. Plain JavaScript web component, Shadow DOM.
 * No cookies, no localStorage, no third-party requests, no tracking.
 * The resume token lives in sessionStorage only (key "kynnys.token").
 * Embed: <script src="https://GATEWAY/widget/kynnys-widget.js" defer></script>
 *        <kynnys-chat lang="fi" title="..." accent="#00645a" gateway="wss://GATEWAY" exit-url="https://..."></kynnys-chat>
 */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("kynnys-chat")) return;

  const SCRIPT = document.currentScript;
  const SCRIPT_URL = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href) : new URL(location.href);
  const KEY_TOKEN = "kynnys.token";
  const KEY_OPEN = "kynnys.open";
  const MAX_CHARS = 2000;
  const DEFAULT_ACCENT = "#00645a";
  const DEFAULT_EXIT = "https://www.google.com/";
  const ESC_WINDOW_MS = 1500;
  const PING_EVERY_MS = 20000;
  const PONG_WITHIN_MS = 10000;

  const minutes = (s) => Math.max(1, Math.round(s / 60));

  const STRINGS = {
    fi: {
      launcher: "Juttele", unread: (n) => `${n} uutta viestiä`, title: "Kynnys – juttele nimettömästi", minimize: "Pienennä chat",
      exit: "Poistu", exitLabel: "Poistu nopeasti (Esc kahdesti)",
      escHint: "Paina Esc uudelleen, niin poistut sivulta nopeasti.",
      input: "Kirjoita viesti", placeholder: "Kirjoita tähän…", send: "Lähetä", log: "Keskustelu",
      you: "Sinä", bot: "Kynnys-botti", volunteer: (a) => `${a}, päivystäjä`, volunteerDefault: "Päivystäjä",
      system: "Ilmoitus", connecting: "Yhdistetään…",
      state: { bot: "Botti vastaa", queued: "Odotat päivystäjää", volunteer: (a) => `${a} on paikalla`, ended: "Keskustelu päättyi" },
      offline: "Ei yhteyttä. Yritetään uudelleen… Voit kirjoittaa, viestisi lähtevät kun yhteys palaa.",
      reconnected: "Yhteys palasi.", pending: "Odottaa lähetystä",
      queue: (p, s) => `Olet jonossa sijalla ${p}.` + (s ? ` Arvioitu odotus noin ${minutes(s)} min.` : ""),
      queueNoPos: "Olet jonossa. Päivystäjä tulee niin pian kuin voi.",
      leaveQueue: "Lopeta jonottaminen",
      typingBot: "Kynnys kirjoittaa…", typingVol: (a) => `${a} kirjoittaa…`,
      end: "Lopeta keskustelu", endConfirm: "Lopetetaanko keskustelu? Sen sisältö poistetaan.",
      yes: "Lopeta", no: "Jatka",
      ended: "Keskustelu päättyi ja sen sisältö poistettiin. Kiitos, että kirjoitit.",
      endedKept: "Keskustelu päättyi. Kiitos, että kirjoitit.",
      feedbackQ: "Oliko keskustelusta apua?",
      ratings: ["Ei yhtään", "Vähän", "Jonkin verran", "Paljon", "Tosi paljon"],
      sendFeedback: "Lähetä palaute", skip: "Ohita", thanks: "Kiitos palautteesta!",
      newChat: "Aloita uusi keskustelu", resumed: "Keskustelusi jatkuu.",
      expired: "Edellinen keskustelu ei ole enää tallessa. Aloitetaan uusi.",
      rateLimited: "Hetkinen, viestejä tuli nopeasti. Lähetetään pian uudelleen.",
      tooLong: `Viesti on liian pitkä (enintään ${MAX_CHARS} merkkiä).`,
      failed: "Ei lähetetty", newTab: "(avautuu uuteen välilehteen)", replies: "Vastausvaihtoehdot", links: "Linkit",
      escShort: "Esc ×2 = poistu nopeasti",
    },
    sv: {
      launcher: "Chatta", unread: (n) => `${n} nya meddelanden`, title: "Kynnys – chatta anonymt", minimize: "Minimera chatten",
      exit: "Lämna", exitLabel: "Lämna snabbt (Esc två gånger)",
      escHint: "Tryck Esc en gång till så lämnar du sidan snabbt.",
      input: "Skriv ett meddelande", placeholder: "Skriv här…", send: "Skicka", log: "Samtal",
      you: "Du", bot: "Kynnys-boten", volunteer: (a) => `${a}, jourhavande`, volunteerDefault: "Jourhavande",
      system: "Meddelande", connecting: "Ansluter…",
      state: { bot: "Boten svarar", queued: "Du väntar på en jourhavande", volunteer: (a) => `${a} är här`, ended: "Samtalet har avslutats" },
      offline: "Ingen anslutning. Vi försöker igen… Du kan skriva, dina meddelanden skickas när anslutningen är tillbaka.",
      reconnected: "Anslutningen är tillbaka.", pending: "Väntar på att skickas",
      queue: (p, s) => `Du är nummer ${p} i kön.` + (s ? ` Uppskattad väntetid cirka ${minutes(s)} min.` : ""),
      queueNoPos: "Du står i kö. En jourhavande kommer så snart hen kan.",
      leaveQueue: "Sluta köa",
      typingBot: "Kynnys skriver…", typingVol: (a) => `${a} skriver…`,
      end: "Avsluta samtalet", endConfirm: "Vill du avsluta samtalet? Innehållet raderas.",
      yes: "Avsluta", no: "Fortsätt",
      ended: "Samtalet har avslutats och innehållet har raderats. Tack för att du skrev.",
      endedKept: "Samtalet har avslutats. Tack för att du skrev.",
      feedbackQ: "Hade du nytta av samtalet?",
      ratings: ["Inte alls", "Lite", "En del", "Mycket", "Väldigt mycket"],
      sendFeedback: "Skicka respons", skip: "Hoppa över", thanks: "Tack för din respons!",
      newChat: "Starta ett nytt samtal", resumed: "Ditt samtal fortsätter.",
      expired: "Det tidigare samtalet finns inte längre kvar. Vi börjar ett nytt.",
      rateLimited: "Ett ögonblick, det kom många meddelanden på en gång. Vi skickar snart igen.",
      tooLong: `Meddelandet är för långt (högst ${MAX_CHARS} tecken).`,
      failed: "Inte skickat", newTab: "(öppnas i en ny flik)", replies: "Svarsalternativ", links: "Länkar",
      escShort: "Esc ×2 = lämna snabbt",
    },
    en: {
      launcher: "Chat", unread: (n) => `${n} new messages`, title: "Kynnys – chat anonymously", minimize: "Minimise chat",
      exit: "Exit", exitLabel: "Quick exit (Esc twice)",
      escHint: "Press Esc again to leave this page quickly.",
      input: "Write a message", placeholder: "Write here…", send: "Send", log: "Conversation",
      you: "You", bot: "Kynnys bot", volunteer: (a) => `${a}, volunteer`, volunteerDefault: "Volunteer",
      system: "Notice", connecting: "Connecting…",
      state: { bot: "The bot is answering", queued: "You are waiting for a volunteer", volunteer: (a) => `${a} is here`, ended: "The chat has ended" },
      offline: "No connection. Trying again… You can keep writing; your messages are sent when the connection is back.",
      reconnected: "Connection is back.", pending: "Waiting to be sent",
      queue: (p, s) => `You are number ${p} in the queue.` + (s ? ` Estimated wait about ${minutes(s)} min.` : ""),
      queueNoPos: "You are in the queue. A volunteer will come as soon as they can.",
      leaveQueue: "Stop waiting",
      typingBot: "Kynnys is typing…", typingVol: (a) => `${a} is typing…`,
      end: "End chat", endConfirm: "End the chat? Its content will be deleted.",
      yes: "End", no: "Continue",
      ended: "The chat has ended and its content has been deleted. Thank you for writing.",
      endedKept: "The chat has ended. Thank you for writing.",
      feedbackQ: "Did the chat help you?",
      ratings: ["Not at all", "A little", "Somewhat", "A lot", "Very much"],
      sendFeedback: "Send feedback", skip: "Skip", thanks: "Thank you for your feedback!",
      newChat: "Start a new chat", resumed: "Your chat continues.",
      expired: "The earlier chat is no longer kept. Let's start a new one.",
      rateLimited: "One moment, many messages came at once. We will send again soon.",
      tooLong: `The message is too long (at most ${MAX_CHARS} characters).`,
      failed: "Not sent", newTab: "(opens in a new tab)", replies: "Reply options", links: "Links",
      escShort: "Esc ×2 = quick exit",
    },
  };

  // ---------- small helpers ----------
  const store = {
    get(k) { try { return window.sessionStorage.getItem(k); } catch { return null; } },
    set(k, v) { try { window.sessionStorage.setItem(k, v); } catch { /* storage unavailable */ } },
    del(k) { try { window.sessionStorage.removeItem(k); } catch { /* storage unavailable */ } },
    clearOurs() {
      try {
        const keys = [];
        for (let i = 0; i < sessionStorage.length; i++) {
          const k = sessionStorage.key(i);
          if (k && k.startsWith("kynnys.")) keys.push(k);
        }
        keys.forEach((k) => sessionStorage.removeItem(k));
      } catch { /* storage unavailable */ }
    },
  };

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) el.append(c);
    return el;
  }

  /** Only absolute http(s) URLs without credentials pass; everything else is rejected. */
  function safeHttpUrl(raw) {
    if (typeof raw !== "string") return null;
    try {
      const u = new URL(raw.trim());
      if ((u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password) return u.href;
    } catch { /* not a URL */ }
    return null;
  }

  /** Link buttons from the bot: http(s) as above, or a phone number (tel:+358 9 123) so that a
   * crisis line can be called with one tap. Nothing else. */
  function safeLinkUrl(raw) {
    if (typeof raw === "string" && /^tel:\+?[0-9][0-9 -]{1,24}$/.test(raw.trim())) return raw.trim().replace(/ /g, "");
    return safeHttpUrl(raw);
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const x = [...b].map((n) => n.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  // ---------- colour contrast (WCAG 2.1 relative luminance) ----------
  function parseHex(c) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(c || "").trim());
    if (!m) return null;
    let x = m[1];
    if (x.length === 3) x = [...x].map((d) => d + d).join("");
    return [0, 2, 4].map((i) => parseInt(x.slice(i, i + 2), 16));
  }
  function luminance([r, g, b]) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  const contrastWithWhite = (rgb) => 1.05 / (luminance(rgb) + 0.05);
  const toHex = (rgb) => "#" + rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  /** Darken the host's colour until white text on it reaches 4.5:1; unparsable colours fall back. */
  function accessibleAccent(raw) {
    let rgb = parseHex(raw);
    if (!rgb) return DEFAULT_ACCENT;
    for (let i = 0; i < 60 && contrastWithWhite(rgb) < 4.5; i++) rgb = rgb.map((v) => v * 0.94);
    return contrastWithWhite(rgb) >= 4.5 ? toHex(rgb) : DEFAULT_ACCENT;
  }

  function pickLanguage(el) {
    const candidates = [el.getAttribute("lang"), el.closest("[lang]")?.getAttribute("lang"),
      document.documentElement.lang];
    for (const c of candidates) {
      const code = String(c || "").toLowerCase().slice(0, 2);
      if (STRINGS[code]) return code;
    }
    return "fi";
  }

  /** ws(s)://host/ws/youth from a gateway attribute (ws, wss, http, https, or empty = script origin). */
  function youthSocketUrl(raw) {
    let u;
    try { u = new URL(raw || SCRIPT_URL.origin, SCRIPT_URL.href); } catch { u = new URL(SCRIPT_URL.origin); }
    if (u.protocol === "http:") u.protocol = "ws:";
    else if (u.protocol === "https:") u.protocol = "wss:";
    if (u.pathname === "/" || u.pathname === "") u.pathname = "/ws/youth";
    u.hash = "";
    return u.href;
  }

  const CSS_TEXT = `
:host{all:initial;--accent:${DEFAULT_ACCENT}}
*,*::before,*::after{box-sizing:border-box}
.dock,.launcher,.panel,.sr-only{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;font-style:normal;font-weight:400;letter-spacing:normal;word-spacing:normal;text-transform:none;text-align:left;text-indent:0;text-shadow:none;visibility:visible;white-space:normal;direction:ltr;cursor:auto}
[hidden]{display:none!important}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
button,textarea,input{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:3px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.dock{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;align-items:center;gap:8px}
.dock .exit{box-shadow:0 4px 14px rgba(0,0,0,.3);border-color:#a4001d}
.launcher{display:flex;align-items:center;gap:8px;background:var(--accent);color:#fff;border:2px solid #fff;border-radius:28px;padding:10px 18px;min-height:52px;font-weight:700;box-shadow:0 4px 14px rgba(0,0,0,.3)}
.launcher svg{width:24px;height:24px;fill:currentColor}
.badge{background:#fff;color:#a4001d;border-radius:12px;padding:0 8px;font-size:.85em;line-height:1.6}
.panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:390px;max-width:calc(100vw - 32px);height:min(620px,calc(100vh - 32px));display:flex;flex-direction:column;background:#fff;border:1px solid #9aa3ad;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;animation:pop .16s ease-out}
@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;border-radius:0;border:0}}
@keyframes pop{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}
.head{background:var(--accent);color:#fff;display:flex;align-items:center;gap:6px;padding:8px 8px 8px 12px}
.head .titles{flex:1;min-width:0}
.head h2{font-size:1.02em;line-height:1.25;margin:0;font-weight:700;overflow-wrap:anywhere}
.head .sub{margin:2px 0 0;font-size:.82em}
.head :focus-visible{outline-color:#fff;box-shadow:0 0 0 2px #111}
.exit{background:#fff;color:#a4001d;border:2px solid #fff;border-radius:8px;padding:4px 10px;min-height:44px;font-weight:800;white-space:nowrap}
.min{background:transparent;color:#fff;border:2px solid #fff;border-radius:8px;width:44px;height:44px;display:grid;place-items:center;padding:0}
.min svg{width:18px;height:18px;fill:currentColor}
.conn{background:#fff3cd;color:#3d2e00;padding:8px 12px;font-size:.88em;border-bottom:1px solid #b58f00}
.queue{background:#e6f0fa;color:#0d2a4a;padding:8px 12px;font-size:.9em;border-bottom:1px solid #7d9dbd;display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px}
.queue p{margin:0;flex:1 1 12em}
.queue button,.confirm button,.ended button.secondary{background:#fff;color:#0d2a4a;border:2px solid #0d2a4a;border-radius:8px;padding:4px 10px;min-height:40px}
.log{flex:1;overflow-y:auto;padding:12px;background:#f7f8fa;overscroll-behavior:contain}
.log:focus-visible{outline:3px solid #111;outline-offset:-3px;box-shadow:inset 0 0 0 5px #fff}
.log ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.msg{max-width:86%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg .who{display:block;font-size:.78em;font-weight:700;margin-bottom:2px}
.msg.youth{align-self:flex-end;background:var(--accent);color:#fff;border-bottom-right-radius:4px}
.msg.bot{align-self:flex-start;background:#e9edf1;color:#1b1b1b;border-bottom-left-radius:4px}
.msg.volunteer{align-self:flex-start;background:#fff;color:#1b1b1b;border:2px solid #5b6b7b;border-bottom-left-radius:4px}
.msg.volunteer .who{color:#33414f}
.msg.system{align-self:center;max-width:95%;background:transparent;color:#3b4450;font-size:.9em;text-align:center;font-style:italic;padding:2px 8px}
.msg a{color:inherit;text-decoration:underline;font-weight:600}
.msg .state{display:block;font-size:.76em;margin-top:2px}
.links{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-direction:column;gap:6px;white-space:normal}
.links a{display:inline-block;padding:6px 10px;background:#fff;color:#1b1b1b;border:2px solid var(--accent);border-radius:8px}
.replies{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;white-space:normal}
.replies button{background:#fff;color:var(--accent);border:2px solid var(--accent);border-radius:20px;padding:6px 14px;min-height:44px;font-weight:600;text-align:left}
.typing{font-size:.85em;color:#3b4450;padding:4px 14px;min-height:1.6em;background:#f7f8fa}
.typing .dots span{display:inline-block;width:6px;height:6px;margin:0 1px;border-radius:50%;background:#3b4450;animation:blink 1.2s infinite both}
.typing .dots span:nth-child(2){animation-delay:.2s}.typing .dots span:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
.composer{display:flex;gap:8px;padding:8px;border-top:1px solid #9aa3ad;background:#fff;align-items:flex-end}
.composer textarea{flex:1;min-width:0;resize:none;font-size:16px;line-height:1.35;padding:9px 10px;border:2px solid #5f6b77;border-radius:8px;min-height:44px;max-height:8.5em;background:#fff}
.send{background:var(--accent);color:#fff;border:2px solid var(--accent);border-radius:8px;padding:0 14px;min-height:44px;font-weight:700}
.foot{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:2px 8px 6px;font-size:.8em;color:#3b4450;background:#fff}
.linkish{background:none;border:0;color:#33414f;text-decoration:underline;padding:6px 4px;min-height:32px}
.confirm{padding:8px 12px;border-top:1px solid #9aa3ad;background:#fff;font-size:.92em}
.confirm p{margin:0 0 6px}
.confirm .row,.ended .row{display:flex;flex-wrap:wrap;gap:8px}
.confirm button.danger,.ended button.primary{background:var(--accent);color:#fff;border:2px solid var(--accent);border-radius:8px;padding:4px 12px;min-height:40px;font-weight:700}
.ended{padding:10px 12px;border-top:1px solid #9aa3ad;background:#fff;overflow-y:auto;max-height:60%}
.ended p{margin:0 0 8px}
.ended fieldset{border:0;margin:0 0 8px;padding:0}
.ended legend{font-weight:700;margin-bottom:6px;padding:0}
.ratings{display:flex;flex-wrap:wrap;gap:6px}
.ratings label{display:flex;align-items:center;gap:4px;border:2px solid #5f6b77;border-radius:18px;padding:4px 10px;font-size:.9em;min-height:40px}
.ratings input{accent-color:var(--accent);margin:0}
.ended label.fb{display:block;font-size:.9em;margin-bottom:4px}
.ended textarea{width:100%;resize:vertical;font-size:16px;padding:6px 8px;border:2px solid #5f6b77;border-radius:8px;min-height:3em;margin-bottom:8px}
@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
@media (forced-colors:active){.launcher,.send,.exit,.min,.msg,.replies button,.links a{border:2px solid CanvasText}}
`;

  const ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  const ICON_MIN = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 11h16v3H4z"/></svg>';

  class KynnysChat extends HTMLElement {
    static get observedAttributes() { return ["lang", "title", "heading", "accent", "gateway", "exit-url"]; }

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.built = false;
      this.heading = null;
      this.resetConversationState();
      this.ws = null;
      this.online = false;
      this.everConnected = false;
      this.stopped = true;
      this.retry = 0;
      this.retryTimer = 0;
      this.pingTimer = 0;
      this.pongTimer = 0;
      this.typingOffTimer = 0;
      this.typingOn = false;
      this.lastEscAt = 0;
      this.onKeyDown = this.onKeyDown.bind(this);
      this.onOnline = () => { if (!this.stopped && !this.ws) this.connectNow(); };
      this.onOffline = () => { if (this.ws) this.dropSocket(); };
    }

    resetConversationState() {
      this.token = store.get(KEY_TOKEN);
      this.lastSeq = 0;
      this.seen = new Set();
      this.outbox = new Map(); // client_id -> {text, payload, el}
      this.state = "bot";
      this.alias = null;
      this.queue = null;
      this.ended = false;
      this.pendingEnd = false;
      this.replayUntil = 0;
      this.quietReplay = false;
    }

    // ---------- attributes ----------
    get t() { return STRINGS[this.uiLang] || STRINGS.fi; }
    get exitUrl() {
      const raw = this.getAttribute("exit-url");
      if (raw) {
        try {
          const u = new URL(raw, location.href);
          if (u.protocol === "https:" || u.protocol === "http:") return u.href;
        } catch { /* fall through */ }
      }
      return DEFAULT_EXIT;
    }

    attributeChangedCallback(name, _old, value) {
      if (name === "title" && value !== null) {
        // Keep the heading, drop the attribute so the browser shows no tooltip over the whole widget.
        this.heading = value;
        if (this.built) this.removeAttribute("title");
      }
      if (name === "heading" && value !== null) this.heading = value;
      if (this.built) this.applyConfig();
    }

    connectedCallback() {
      if (!this.built) this.build();
      window.addEventListener("keydown", this.onKeyDown, true);
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
      if (this.token) {
        this.start(); // resume the conversation of this tab
        if (store.get(KEY_OPEN) !== "0") this.openPanel(false);
      }
    }

    disconnectedCallback() {
      window.removeEventListener("keydown", this.onKeyDown, true);
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
      this.stop();
    }

    // ---------- DOM ----------
    build() {
      if (this.hasAttribute("title")) { this.heading = this.getAttribute("title"); this.removeAttribute("title"); }
      const style = h("style");
      style.textContent = CSS_TEXT;
      this.el = {};
      const E = this.el;
      E.launcher = h("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "panel",
        onclick: () => this.openPanel(true) });
      E.launcher.innerHTML = ICON_CHAT;
      E.launcherText = h("span");
      E.badge = h("span", { class: "badge", hidden: true });
      E.launcher.append(E.launcherText, E.badge);

      E.title = h("h2", { id: "kynnys-title" });
      E.sub = h("p", { class: "sub", id: "kynnys-sub" });
      E.exit = h("button", { class: "exit", type: "button", onclick: () => this.quickExit() });
      // while a conversation exists, the quick exit stays visible next to the chat button too
      E.dockExit = h("button", { class: "exit", type: "button", hidden: true, onclick: () => this.quickExit() });
      E.dock = h("div", { class: "dock" }, E.dockExit, E.launcher);
      E.min = h("button", { class: "min", type: "button", onclick: () => this.closePanel() });
      E.min.innerHTML = ICON_MIN;
      const head = h("div", { class: "head" }, h("div", { class: "titles" }, E.title, E.sub), E.exit, E.min);

      E.conn = h("div", { class: "conn", hidden: true });
      E.queueText = h("p");
      E.leave = h("button", { type: "button", onclick: () => this.send({ type: "leave_queue" }) });
      E.queue = h("div", { class: "queue", hidden: true }, E.queueText, E.leave);

      E.list = h("ol");
      E.log = h("div", { class: "log", tabindex: "0", role: "region" }, E.list);
      E.typing = h("div", { class: "typing", "aria-hidden": "true" });

      E.input = h("textarea", { id: "kynnys-input", rows: "1", maxlength: String(MAX_CHARS), autocomplete: "off",
        enterkeyhint: "send", onkeydown: (ev) => this.onInputKey(ev), oninput: () => this.onInputChange() });
      E.inputLabel = h("label", { class: "sr-only", for: "kynnys-input" });
      E.sendBtn = h("button", { class: "send", type: "submit" });
      E.composer = h("form", { class: "composer", onsubmit: (ev) => { ev.preventDefault(); this.submitInput(); } },
        E.inputLabel, E.input, E.sendBtn);

      E.endBtn = h("button", { class: "linkish", type: "button", onclick: () => this.askEnd() });
      E.escShort = h("span", { "aria-hidden": "true" });
      E.foot = h("div", { class: "foot" }, E.endBtn, E.escShort);

      E.confirmText = h("p");
      E.confirmYes = h("button", { class: "danger", type: "button", onclick: () => this.endChat() });
      E.confirmNo = h("button", { type: "button", onclick: () => this.cancelEnd() });
      E.confirm = h("div", { class: "confirm", hidden: true, role: "group", "aria-labelledby": "kynnys-confirm" },
        E.confirmText, h("div", { class: "row" }, E.confirmYes, E.confirmNo));
      E.confirmText.id = "kynnys-confirm";

      E.ended = h("div", { class: "ended", hidden: true });
      E.announcer = h("div", { class: "sr-only", "aria-live": "polite", "aria-atomic": "false" });
      E.alert = h("div", { class: "sr-only", role: "status" });

      E.panel = h("div", { class: "panel", id: "panel", role: "dialog", "aria-labelledby": "kynnys-title",
        "aria-describedby": "kynnys-sub", hidden: true },
      head, E.conn, E.queue, E.log, E.typing, E.confirm, E.ended, E.composer, E.foot);
      this.root.replaceChildren(style, E.dock, E.panel, E.announcer, E.alert);
      this.built = true;
      this.applyConfig();
    }

    applyConfig() {
      this.uiLang = pickLanguage(this);
      const t = this.t;
      const E = this.el;
      this.style.setProperty("--accent", accessibleAccent(this.getAttribute("accent")));
      E.panel.setAttribute("lang", this.uiLang);
      E.launcher.setAttribute("lang", this.uiLang);
      E.launcherText.textContent = t.launcher;
      E.title.textContent = this.heading || t.title;
      for (const b of [E.exit, E.dockExit]) {
        b.textContent = t.exit;
        b.setAttribute("aria-label", t.exitLabel);
        b.title = t.exitLabel;
      }
      E.min.setAttribute("aria-label", t.minimize);
      E.min.title = t.minimize;
      E.leave.textContent = t.leaveQueue;
      E.log.setAttribute("aria-label", t.log);
      E.inputLabel.textContent = t.input;
      E.input.placeholder = t.placeholder;
      E.sendBtn.textContent = t.send;
      E.endBtn.textContent = t.end;
      E.escShort.textContent = t.escShort;
      E.confirmText.textContent = t.endConfirm;
      E.confirmYes.textContent = t.yes;
      E.confirmNo.textContent = t.no;
      this.renderStatus();
    }

    openPanel(focus) {
      const E = this.el;
      E.panel.hidden = false;
      E.dock.hidden = true;
      E.launcher.setAttribute("aria-expanded", "true");
      this.setUnread(0);
      store.set(KEY_OPEN, "1");
      if (this.stopped) this.start();
      this.scrollToEnd();
      if (focus) (this.ended ? E.ended.querySelector("input,button") || E.input : E.input).focus();
    }

    closePanel() {
      const E = this.el;
      E.panel.hidden = true;
      E.dock.hidden = false;
      E.launcher.setAttribute("aria-expanded", "false");
      store.set(KEY_OPEN, "0");
      E.launcher.focus();
    }

    setUnread(n) {
      this.unread = n;
      const b = this.el.badge;
      b.hidden = n === 0;
      b.replaceChildren(h("span", { "aria-hidden": "true", text: n > 9 ? "9+" : String(n) }),
        h("span", { class: "sr-only", text: ", " + this.t.unread(n) }));
    }

    scrollToEnd() { const l = this.el.log; l.scrollTop = l.scrollHeight; }

    announce(text, urgent) {
      const region = urgent ? this.el.alert : this.el.announcer;
      const p = h("p", { text });
      region.append(p);
      while (region.childElementCount > 4) region.firstElementChild.remove();
    }

    renderStatus() {
      const t = this.t;
      const E = this.el;
      let sub;
      if (!this.online) sub = this.stopped ? "" : t.connecting;
      else if (this.state === "volunteer") sub = t.state.volunteer(this.alias || t.volunteerDefault);
      else sub = t.state[this.state] || "";
      E.sub.textContent = sub;
      E.conn.textContent = t.offline;
      E.conn.hidden = this.online || !this.everConnected || this.stopped;
      E.queue.hidden = this.state !== "queued" || this.ended;
      const q = this.queue;
      E.queueText.textContent = q && q.position ? t.queue(q.position, q.estimated_wait_seconds) : t.queueNoPos;
      E.composer.hidden = this.ended;
      E.foot.hidden = this.ended;
      E.dockExit.hidden = this.stopped && !this.token;
      if (this.ended) E.confirm.hidden = true;
    }

    // ---------- messages ----------
    appendText(parent, text) {
      // Plain text only; http(s) URLs inside the text become safe links.
      const re = /\bhttps?:\/\/[^\s<>"']+/gi;
      let last = 0;
      let m;
      while ((m = re.exec(text))) {
        let url = m[0];
        const trail = /[.,;:!?)\]]+$/.exec(url);
        if (trail) url = url.slice(0, -trail[0].length);
        const safe = safeHttpUrl(url);
        parent.append(text.slice(last, m.index));
        if (safe) parent.append(this.link(url, safe));
        else parent.append(url);
        last = m.index + url.length;
        re.lastIndex = last;
      }
      parent.append(text.slice(last));
    }

    link(title, href) {
      if (href.startsWith("tel:")) return h("a", { href }, String(title));
      return h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow", referrerpolicy: "no-referrer" },
        String(title), h("span", { class: "sr-only", text: " " + this.t.newTab }));
    }

    whoLabel(m) {
      const t = this.t;
      if (m.from === "youth") return t.you;
      if (m.from === "volunteer") return t.volunteer(m.alias || this.alias || t.volunteerDefault);
      if (m.from === "system") return t.system;
      return t.bot;
    }

    addBubble(m) {
      const from = ["youth", "bot", "volunteer", "system"].includes(m.from) ? m.from : "bot";
      const li = h("li", { class: `msg ${from}` });
      const who = h("span", { class: from === "volunteer" ? "who" : "who sr-only", text: this.whoLabel(m) + ": " });
      const body = h("span", { class: "text" });
      this.appendText(body, String(m.text || ""));
      li.append(who, body);
      if (typeof m.seq === "number") li.dataset.seq = String(m.seq);
      if (m.client_id) li.dataset.clientId = String(m.client_id);
      const links = Array.isArray(m.links) ? m.links : [];
      const safeLinks = links.map((l) => [l && l.title ? String(l.title) : "", safeLinkUrl(l && l.url)])
        .filter(([, u]) => u);
      if (safeLinks.length) {
        li.append(h("ul", { class: "links", "aria-label": this.t.links },
          ...safeLinks.map(([title, u]) => h("li", {}, this.link(title || u, u)))));
      }
      const buttons = Array.isArray(m.buttons) ? m.buttons.filter((b) => b && b.title) : [];
      if (buttons.length && from !== "youth") {
        this.clearReplies();
        li.append(h("div", { class: "replies", role: "group", "aria-label": this.t.replies },
          ...buttons.map((b) => h("button", { type: "button", "data-payload": b.payload ? String(b.payload) : null,
            onclick: () => this.sendText(String(b.title), b.payload ? String(b.payload) : null) }, String(b.title)))));
      } else if (from === "youth") {
        this.clearReplies();
      }
      const nearBottom = this.el.log.scrollHeight - this.el.log.scrollTop - this.el.log.clientHeight < 80;
      this.place(li);
      if (nearBottom || from === "youth") this.scrollToEnd();
      return li;
    }

    /** Keep the conversation in seq order: a message replayed after a reconnect may be older than one
     * typed offline. Messages still waiting for their seq stay last. */
    place(li) {
      const list = this.el.list;
      if (!li.dataset.seq) { if (li.parentNode !== list) list.append(li); return; }
      const seq = Number(li.dataset.seq);
      let before = null;
      for (const other of list.children) {
        if (other === li) continue;
        const otherSeq = other.dataset.seq;
        const waiting = !otherSeq && other.dataset.clientId && this.outbox.has(other.dataset.clientId);
        if (waiting || (otherSeq && Number(otherSeq) > seq)) { before = other; break; }
      }
      if (before) { if (li.nextSibling !== before) list.insertBefore(li, before); } else if (li !== list.lastElementChild) list.append(li);
    }

    clearReplies() {
      const focused = this.root.activeElement;
      const hadFocus = focused && focused.closest && focused.closest(".replies");
      this.el.list.querySelectorAll(".replies").forEach((r) => r.remove());
      if (hadFocus) this.el.input.focus();
    }

    markPending(li, pending, failed) {
      let s = li.querySelector(".state");
      if (pending || failed) {
        if (!s) { s = h("span", { class: "state" }); li.append(s); }
        s.textContent = failed ? this.t.failed : this.t.pending;
        li.classList.add("pending");
      } else {
        if (s) s.remove();
        li.classList.remove("pending");
      }
    }

    addNotice(text) { this.addBubble({ from: "system", text }); }

    /** seq runs 1, 2, 3 … without gaps: last_seq for a resume is the end of the unbroken run seen. */
    markSeen(seq) {
      this.seen.add(seq);
      while (this.seen.has(this.lastSeq + 1)) this.lastSeq++;
    }

    onServerMessage(m) {
      if (typeof m.seq === "number") {
        if (this.seen.has(m.seq)) return;
        this.markSeen(m.seq);
      }
      const replay = typeof m.seq === "number" && m.seq <= this.replayUntil;
      if (m.from === "youth" && m.client_id) {
        const pending = this.outbox.get(m.client_id);
        const existing = pending ? pending.el : this.el.list.querySelector(`[data-client-id="${CSS.escape(m.client_id)}"]`);
        if (existing) {
          this.markPending(existing, false);
          if (typeof m.seq === "number") { existing.dataset.seq = String(m.seq); this.place(existing); }
          this.outbox.delete(m.client_id);
          return;
        }
      }
      if (m.from === "bot" || m.from === "volunteer") this.showTyping(m.from, false);
      this.addBubble(m);
      if (m.from !== "youth" && !(replay && this.quietReplay)) {
        if (this.el.panel.hidden) this.setUnread((this.unread || 0) + 1);
        this.announce(this.whoLabel(m) + ": " + String(m.text || ""), false);
      }
    }

    // ---------- sending ----------
    onInputKey(ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submitInput();
      }
    }

    onInputChange() {
      const ta = this.el.input;
      ta.style.height = "auto";
      ta.style.height = Math.min(ta.scrollHeight + 4, 200) + "px";
      if (this.state !== "volunteer" || !this.online) return;
      if (!this.typingOn) { this.typingOn = true; this.send({ type: "typing", on: true }); }
      clearTimeout(this.typingOffTimer);
      this.typingOffTimer = setTimeout(() => this.stopTyping(), 4000);
    }

    stopTyping() {
      clearTimeout(this.typingOffTimer);
      if (this.typingOn) { this.typingOn = false; this.send({ type: "typing", on: false }); }
    }

    submitInput() {
      const text = this.el.input.value.trim();
      if (!text) return;
      if (text.length > MAX_CHARS) { this.announce(this.t.tooLong, true); return; }
      this.el.input.value = "";
      this.el.input.style.height = "auto";
      this.stopTyping();
      this.sendText(text, null);
      this.el.input.focus();
    }

    sendText(text, payload) {
      if (this.ended) return;
      this.clearReplies();
      const clientId = uuid();
      const li = this.addBubble({ from: "youth", text, client_id: clientId });
      const item = { text, payload, el: li };
      this.outbox.set(clientId, item);
      if (!this.transmit(clientId, item)) this.markPending(li, true);
      if (this.stopped) this.start();
    }

    transmit(clientId, item) {
      const frame = { type: "message", client_id: clientId, text: item.text };
      if (item.payload) frame.payload = item.payload;
      return this.send(frame);
    }

    send(obj) {
      if (!this.ws || !this.online || this.ws.readyState !== WebSocket.OPEN) return false;
      try { this.ws.send(JSON.stringify(obj)); return true; } catch { return false; }
    }

    flushOutbox() {
      for (const [id, item] of this.outbox) this.transmit(id, item);
    }

    // ---------- connection ----------
    start() {
      this.stopped = false;
      this.connectNow();
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      this.dropSocket();
    }

    connectNow() {
      clearTimeout(this.retryTimer);
      if (this.ws || this.stopped) return;
      let ws;
      try { ws = new WebSocket(youthSocketUrl(this.getAttribute("gateway"))); } catch { this.scheduleReconnect(); return; }
      this.ws = ws;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: "hello", token: this.token || null, last_seq: this.lastSeq, language: this.uiLang }));
        this.heartbeat();
      };
      ws.onmessage = (ev) => {
        clearTimeout(this.pongTimer);
        let m;
        try { m = JSON.parse(ev.data); } catch { return; }
        if (m && typeof m === "object") this.onFrame(m);
      };
      ws.onclose = () => { if (this.ws === ws) this.socketGone(); };
      ws.onerror = () => { /* onclose follows */ };
      this.renderStatus();
    }

    /** Forget the current socket at once (also when the network silently died) and reconnect. */
    dropSocket() {
      const ws = this.ws;
      if (!ws) return;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch { /* already closed */ }
      this.socketGone();
    }

    socketGone() {
      this.ws = null;
      const wasOnline = this.online;
      this.online = false;
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      this.showTyping(null, false);
      this.outbox.forEach((item) => this.markPending(item.el, true));
      this.renderStatus();
      if (wasOnline && !this.stopped) this.announce(this.t.offline, true);
      if (!this.stopped) this.scheduleReconnect();
    }

    scheduleReconnect() {
      clearTimeout(this.retryTimer);
      const base = Math.min(15000, 500 * 2 ** this.retry);
      this.retry = Math.min(this.retry + 1, 10);
      this.retryTimer = setTimeout(() => this.connectNow(), base * (0.6 + Math.random() * 0.4));
    }

    heartbeat() {
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (!this.send({ type: "ping" })) return;
        clearTimeout(this.pongTimer);
        this.pongTimer = setTimeout(() => this.dropSocket(), PONG_WITHIN_MS);
      }, PING_EVERY_MS);
    }

    onFrame(m) {
      switch (m.type) {
        case "welcome": return this.onWelcome(m);
        case "message": return this.onServerMessage(m);
        case "ack": return this.onAck(m);
        case "state": return this.onState(m, false);
        case "typing": return this.showTyping(m.from, !!m.on);
        case "ended": return this.onEnded(m.deleted !== false);
        case "error": return this.onError(m);
        default: return undefined;
      }
    }

    onWelcome(m) {
      const hadConversation = !!this.token || this.lastSeq > 0;
      const reconnect = this.everConnected;
      if (hadConversation && !m.resumed) {
        // The old conversation is gone on the server: start over, keep what is still unsent.
        const unsent = [...this.outbox.entries()];
        this.el.list.replaceChildren();
        this.resetConversationState();
        if (!this.ended) this.addNotice(this.t.expired);
        unsent.forEach(([id, item]) => { this.el.list.append(item.el); this.outbox.set(id, item); });
      }
      this.token = m.token || null;
      if (this.token) store.set(KEY_TOKEN, this.token);
      this.quietReplay = !reconnect && this.lastSeq === 0 && !!m.resumed;
      this.replayUntil = typeof m.last_seq === "number" ? m.last_seq : 0;
      this.online = true;
      this.everConnected = true;
      this.retry = 0;
      this.onState({ state: m.conversation_state || "bot", queue: this.queue, volunteer_alias: this.alias }, true);
      if (this.quietReplay) this.announce(this.t.resumed, false);
      else if (reconnect) this.announce(this.t.reconnected, false);
      this.renderStatus();
      if (this.pendingEnd) { this.pendingEnd = false; this.send({ type: "end", delete: true }); }
      this.flushOutbox();
    }

    onAck(m) {
      const item = this.outbox.get(m.client_id);
      if (!item) return;
      this.outbox.delete(m.client_id);
      this.markPending(item.el, false);
      if (typeof m.seq === "number") { item.el.dataset.seq = String(m.seq); this.markSeen(m.seq); this.place(item.el); }
    }

    onState(m, fromWelcome) {
      const before = this.state;
      const next = ["bot", "queued", "volunteer", "ended"].includes(m.state) ? m.state : before;
      this.state = next;
      if (m.queue !== undefined) this.queue = m.queue;
      if (m.volunteer_alias !== undefined && m.volunteer_alias !== null) this.alias = m.volunteer_alias;
      const t = this.t;
      // The gateway itself posts "joined" / "left" notices as system messages.
      if (!fromWelcome && before !== next) {
        if (next === "queued") {
          this.announce(this.queue && this.queue.position ? t.queue(this.queue.position, this.queue.estimated_wait_seconds) : t.queueNoPos, false);
        }
      }
      if (next !== "volunteer") this.stopTyping();
      if (next === "ended" && !this.ended) this.onEnded();
      this.renderStatus();
    }

    showTyping(from, on) {
      const E = this.el;
      clearTimeout(this.typingHideTimer);
      if (!on || !from) { E.typing.replaceChildren(); return; }
      const text = from === "volunteer" ? this.t.typingVol(this.alias || this.t.volunteerDefault) : this.t.typingBot;
      E.typing.replaceChildren(h("span", { text: text + " " }),
        h("span", { class: "dots" }, h("span"), h("span"), h("span")));
      this.typingHideTimer = setTimeout(() => E.typing.replaceChildren(), 20000);
    }

    onError(m) {
      // bad_token: the gateway starts a new conversation at once; its welcome (resumed: false) resets the view.
      if (m.code === "bad_token") { store.del(KEY_TOKEN); return; }
      if (m.code === "rate_limited") {
        this.announce(this.t.rateLimited, true);
        clearTimeout(this.rateTimer);
        this.rateTimer = setTimeout(() => this.flushOutbox(), 3000);
        return;
      }
      const item = m.client_id ? this.outbox.get(m.client_id) : null;
      if (item && ["too_large", "bad_message", "not_allowed"].includes(m.code)) {
        this.outbox.delete(m.client_id);
        this.markPending(item.el, false, true);
      }
      if (m.code === "too_large") this.announce(this.t.tooLong, true);
    }

    // ---------- ending ----------
    askEnd() {
      this.el.confirm.hidden = false;
      this.el.confirmNo.focus();
    }

    cancelEnd() {
      this.el.confirm.hidden = true;
      this.el.endBtn.focus();
    }

    endChat() {
      this.el.confirm.hidden = true;
      if (!this.send({ type: "end", delete: true })) this.pendingEnd = true;
      this.onEnded();
    }

    onEnded(deleted = true) {
      if (this.ended) { if (!deleted) this.el.endedText.textContent = this.t.endedKept; return; }
      this.ended = true;
      this.state = "ended";
      store.del(KEY_TOKEN);
      this.token = null;
      this.outbox.clear();
      this.showTyping(null, false);
      this.clearReplies();
      this.renderFeedback();
      if (!deleted) this.el.endedText.textContent = this.t.endedKept;
      this.renderStatus();
      this.scrollToEnd(); // the last messages stay in view above the feedback question
      this.announce(this.t.ended, false);
      const first = this.el.ended.querySelector("input");
      if (first && this.root.activeElement !== null) first.focus();
    }

    renderFeedback() {
      const t = this.t;
      const name = "kynnys-rating";
      const ratings = t.ratings.map((label, i) => h("label", {},
        h("input", { type: "radio", name, value: String(i + 1) }), label));
      const form = h("form", { onsubmit: (ev) => {
        ev.preventDefault();
        const chosen = form.querySelector("input:checked");
        if (!chosen) { this.afterFeedback(false); return; }
        this.send({ type: "feedback", rating: Number(chosen.value), text: "" });
        this.afterFeedback(true);
      } },
      h("fieldset", {}, h("legend", { text: t.feedbackQ }), h("div", { class: "ratings" }, ...ratings)),
      h("div", { class: "row" },
        h("button", { class: "primary", type: "submit", text: t.sendFeedback }),
        h("button", { class: "secondary", type: "button", text: t.skip, onclick: () => this.afterFeedback(false) })));
      this.el.endedText = h("p", { text: t.ended });
      this.el.ended.replaceChildren(this.el.endedText, form);
      this.el.ended.hidden = false;
    }

    afterFeedback(sent) {
      const t = this.t;
      const again = h("button", { class: "primary", type: "button", text: t.newChat, onclick: () => this.newChat() });
      this.el.ended.replaceChildren(...(sent ? [h("p", { text: t.thanks })] : []), h("div", { class: "row" }, again));
      if (sent) this.announce(t.thanks, false);
      again.focus();
      this.stop();
    }

    newChat() {
      this.stop();
      store.del(KEY_TOKEN);
      this.el.list.replaceChildren();
      this.el.ended.replaceChildren();
      this.el.ended.hidden = true;
      this.resetConversationState();
      this.everConnected = false;
      this.renderStatus();
      this.start();
      this.el.input.focus();
    }

    // ---------- quick exit ----------
    onKeyDown(ev) {
      if (ev.key !== "Escape" || !this.isConnected) return;
      const now = Date.now();
      if (now - this.lastEscAt < ESC_WINDOW_MS) { ev.preventDefault(); this.quickExit(); return; }
      this.lastEscAt = now;
      if (!this.el.panel.hidden) this.announce(this.t.escHint, true);
    }

    /** Leave at once: end and delete the chat, wipe it from the page and storage, replace the page. */
    quickExit() {
      const target = this.exitUrl;
      this.send({ type: "end", delete: true });
      this.stopped = true;
      clearTimeout(this.retryTimer);
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      const ws = this.ws;
      if (ws) { ws.onclose = ws.onmessage = null; try { ws.close(); } catch { /* closed */ } }
      this.ws = null;
      store.clearOurs();
      this.outbox = new Map();
      this.root.replaceChildren();
      try { document.title = ""; } catch { /* ignore */ }
      location.replace(target);
    }
  }

  customElements.define("kynnys-chat", KynnysChat);

  // Auto-insert: without a <kynnys-chat> tag, the script adds one, configured by its own data-* attributes.
  function autoInsert() {
    if (!SCRIPT || SCRIPT.dataset.auto === "false" || document.querySelector("kynnys-chat")) return;
    const el = document.createElement("kynnys-chat");
    for (const a of ["lang", "title", "accent", "gateway", "exit-url"]) {
      const v = SCRIPT.getAttribute("data-" + a);
      if (v) el.setAttribute(a, v);
    }
    document.body.append(el);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoInsert);
  else autoInsert();
})();
