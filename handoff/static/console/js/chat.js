// One chat panel: hand-over summary, message log, composer with canned replies and links.
import { h, clear, clock, externalLink, safeUrl } from "./dom.js";
import { t, applyI18n, topicLabel, categoryLabel, languageLabel } from "./i18n.js";

const TYPING_IDLE_MS = 3000;
const TYPING_SHOW_MS = 8000;

/** A short, stable label for an anonymous conversation ("Nuori 9B1E"). */
export function conversationCode(conversationId) {
  return String(conversationId).replace(/^c_/, "").slice(0, 4).toUpperCase();
}

export function conversationTitle(conversationId) {
  return t("chat.titleN", { code: conversationCode(conversationId) });
}

/** Text label of who wrote a message. */
export function senderLabel(message, myAlias) {
  if (message.from === "volunteer") {
    if (message.alias && myAlias && message.alias === myAlias) return t("from.you", { alias: message.alias });
    return message.alias || t("from.volunteer");
  }
  return t(`from.${message.from}`) || message.from;
}

/** Render one message as a list item. Text is always set as text, links only http(s). */
export function renderMessage(message, myAlias, code = "") {
  const from = ["youth", "bot", "volunteer", "system"].includes(message.from) ? message.from : "system";
  const item = h("li", {
    class: `msg msg-${from}${message.risk ? " is-risk" : ""}`,
    dataset: { seq: String(message.seq ?? ""), from },
  });
  const head = h("span", { class: "from" });
  if (message.risk) {
    head.append(h("span", { class: "risk-mark", role: "img", "aria-label": t("msg.riskLabel"), text: `⚠ ${t("msg.risk")}` }));
  }
  head.append(h("span", { text: senderLabel(message, myAlias) }));
  // Screen readers hear which chat a message belongs to when several are open.
  if (code && from === "youth") head.append(h("span", { class: "sr-only", text: ` ${code}` }));
  head.append(h("span", { class: "time", text: clock(message.ts) }));
  item.append(head, h("p", { class: "text", text: message.text || "" }));
  const links = (message.links || []).filter((link) => safeUrl(link.url));
  if (links.length) {
    item.append(h("ul", { class: "msg-links" }, links.map((link) => h("li", {}, externalLink(link.title, link.url)))));
  }
  if ((message.buttons || []).length) {
    item.append(
      h("p", { class: "hint", text: `${t("msg.buttons")}: ${message.buttons.map((b) => b.title).join(" · ")}` }),
    );
  }
  return item;
}

export class ChatPanel {
  /**
   * conversation: Conversation object from the API. mode: "own" (my chat) or "watch" (reading a bot chat).
   * ctx: {me(), canned(), links(), directory(), sendTyping(id, on), newClientId(), send(panel, text, links, clientId),
   *       onEnd(panel), onTransfer(panel), onStepIn(panel), onStopWatching(panel)}
   */
  constructor(conversation, mode, ctx) {
    this.id = conversation.conversation_id;
    this.mode = mode;
    this.ctx = ctx;
    this.summary = conversation;
    this.seqs = new Set();
    this.attached = [];
    this.typingOn = false;
    this.typingTimer = null;
    this.typingShowTimer = null;
    this.build();
    this.updateSummary(conversation);
    for (const message of conversation.messages || []) this.addMessage(message, { scroll: false });
    this.scrollToEnd();
  }

  get title() {
    return conversationTitle(this.id);
  }

  build() {
    const idBase = `chat-${this.id.replace(/[^A-Za-z0-9_-]/g, "")}`;
    this.headingId = `${idBase}-title`;
    this.el = h("section", {
      class: "chat",
      "aria-labelledby": this.headingId,
      dataset: { conversation: this.id, mode: this.mode },
    });
    this.headingEl = h("h3", { id: this.headingId, text: this.title });
    this.tagsEl = h("span", { class: "item-head" });
    this.el.append(h("div", { class: "chat-head" }, this.headingEl, this.tagsEl));

    this.summaryList = h("dl");
    this.summaryEl = h(
      "details",
      { class: "summary", open: true },
      h("summary", { "data-i18n": "chat.summary", text: t("chat.summary") }),
      this.summaryList,
    );
    this.el.append(this.summaryEl);

    this.listEl = h("ol", { class: "message-list" });
    this.messagesEl = h(
      "div",
      {
        class: "messages",
        role: "log",
        "aria-live": "polite",
        tabindex: "0",
        "aria-label": t("chat.messagesLabel", { title: this.title }),
      },
      this.listEl,
    );
    this.el.append(this.messagesEl);
    // Stay at the newest message when the log changes size (phone rotated, window resized),
    // unless the volunteer has scrolled up to read.
    this.stickToEnd = true;
    this.messagesEl.addEventListener("scroll", () => {
      const el = this.messagesEl;
      this.stickToEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    });
    if (window.ResizeObserver) {
      this.resizeObserver = new ResizeObserver(() => {
        if (this.stickToEnd) this.scrollToEnd();
      });
      this.resizeObserver.observe(this.messagesEl);
    }
    this.typingEl = h("p", { class: "typing" });
    this.el.append(this.typingEl);

    if (this.mode === "own") this.buildComposer(idBase);
    else this.buildWatchActions();
    applyI18n(this.el);
  }

  buildComposer(idBase) {
    const cannedId = `${idBase}-canned`;
    const linkId = `${idBase}-link`;
    const textId = `${idBase}-text`;
    this.cannedSelect = h("select", { id: cannedId, class: "canned-select" });
    this.linkSelect = h("select", { id: linkId, class: "link-select" });
    this.cannedSelect.addEventListener("change", () => this.useCanned());
    this.linkSelect.addEventListener("change", () => this.attachSelectedLink());
    this.fillOptions();

    this.attachedEl = h("ul", { class: "msg-links attached" });
    this.textarea = h("textarea", {
      id: textId,
      class: "compose-text",
      rows: "3",
      maxlength: "2000",
      autocomplete: "off",
    });
    this.textarea.addEventListener("input", () => this.onInput());
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.errorEl = h("p", { class: "form-error", role: "alert" });
    this.sendButton = h("button", { type: "submit", class: "btn btn-primary send-button", "data-i18n": "chat.send" });

    this.form = h(
      "form",
      { class: "composer", novalidate: true },
      h(
        "div",
        { class: "composer-row" },
        h("label", { for: cannedId, class: "sr-only", "data-i18n": "chat.canned" }),
        this.cannedSelect,
        h("label", { for: linkId, class: "sr-only", "data-i18n": "chat.link" }),
        this.linkSelect,
      ),
      this.attachedEl,
      h("label", { for: textId, "data-i18n": "chat.compose" }),
      h("div", { class: "send-row" }, this.textarea, this.sendButton),
      this.errorEl,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.el.append(this.form);

    this.transferButton = h("button", {
      type: "button",
      class: "btn btn-small transfer-button",
      "data-i18n": "chat.transfer",
      on: { click: () => this.ctx.onTransfer(this) },
    });
    this.endButton = h("button", {
      type: "button",
      class: "btn btn-small end-button",
      "data-i18n": "chat.end",
      on: { click: () => this.ctx.onEnd(this) },
    });
    this.el.append(h("div", { class: "chat-actions" }, this.transferButton, h("span", { class: "spacer" }), this.endButton));
  }

  buildWatchActions() {
    this.stepInButton = h("button", {
      type: "button",
      class: "btn btn-primary btn-small step-in-button",
      "data-i18n": "chat.stepIn",
      on: { click: () => this.ctx.onStepIn(this) },
    });
    this.stopButton = h("button", {
      type: "button",
      class: "btn btn-small stop-watch-button",
      "data-i18n": "chat.stopWatching",
      on: { click: () => this.ctx.onStopWatching(this) },
    });
    this.el.append(h("div", { class: "chat-actions" }, this.stepInButton, h("span", { class: "spacer" }), this.stopButton));
  }

  /** (Re)fill the canned reply and link menus; call after supervisors edit them or the language changes. */
  fillOptions() {
    if (!this.cannedSelect) return;
    const language = this.summary.language || "fi";
    clear(this.cannedSelect).append(h("option", { value: "", text: t("chat.cannedPick") }));
    const replies = [...this.ctx.canned()].sort((a, b) => (a.language === language ? 0 : 1) - (b.language === language ? 0 : 1));
    for (const reply of replies) {
      const suffix = reply.language && reply.language !== language ? ` (${reply.language})` : "";
      this.cannedSelect.append(h("option", { value: reply.id, text: `${reply.title}${suffix}` }));
    }
    clear(this.linkSelect).append(h("option", { value: "", text: t("chat.linkPick") }));
    const own = this.ctx.links().filter((link) => safeUrl(link.url));
    if (own.length) {
      this.linkSelect.append(
        h("optgroup", { label: t("chat.linkOwn") }, own.map((link) => h("option", { value: `l:${link.id}`, text: link.title }))),
      );
    }
    const services = this.ctx.directory().filter((service) => safeUrl(service.url));
    if (services.length) {
      this.linkSelect.append(
        h(
          "optgroup",
          { label: t("chat.linkDirectory") },
          services.map((service) => h("option", { value: `d:${service.id}`, text: service.title })),
        ),
      );
    }
  }

  useCanned() {
    const reply = this.ctx.canned().find((r) => r.id === this.cannedSelect.value);
    this.cannedSelect.value = "";
    if (!reply) return;
    const me = this.ctx.me();
    const text = String(reply.text).replace(/\{alias\}/g, me && me.alias ? me.alias : "");
    const current = this.textarea.value.trim();
    this.textarea.value = current ? `${current} ${text}` : text;
    this.textarea.focus();
    this.textarea.setSelectionRange(this.textarea.value.length, this.textarea.value.length);
    this.onInput();
  }

  attachSelectedLink() {
    const value = this.linkSelect.value;
    this.linkSelect.value = "";
    let link = null;
    if (value.startsWith("l:")) {
      const own = this.ctx.links().find((l) => l.id === value.slice(2));
      if (own) link = { title: own.title, url: own.url };
    } else if (value.startsWith("d:")) {
      const service = this.ctx.directory().find((s) => s.id === value.slice(2));
      if (service) link = { title: service.title, url: service.url };
    }
    if (!link || !safeUrl(link.url) || this.attached.some((l) => l.url === link.url)) return;
    this.attached.push(link);
    this.renderAttached();
    this.textarea.focus();
  }

  renderAttached() {
    clear(this.attachedEl);
    for (const link of this.attached) {
      this.attachedEl.append(
        h(
          "li",
          {},
          h("span", { class: "sr-only", text: `${t("chat.attached")}: ` }),
          externalLink(link.title, link.url),
          " ",
          h("button", {
            type: "button",
            class: "btn btn-quiet btn-small",
            "aria-label": t("chat.removeLink", { title: link.title }),
            text: "✕",
            on: {
              click: () => {
                this.attached = this.attached.filter((l) => l !== link);
                this.renderAttached();
                this.textarea.focus();
              },
            },
          }),
        ),
      );
    }
  }

  onInput() {
    if (!this.typingOn && this.textarea.value.trim()) {
      this.typingOn = true;
      this.ctx.sendTyping(this.id, true);
    }
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    window.clearTimeout(this.typingTimer);
    if (this.typingOn) {
      this.typingOn = false;
      this.ctx.sendTyping(this.id, false);
    }
  }

  async submit() {
    let text = this.textarea.value.trim();
    const links = [...this.attached];
    if (!text && links.length) text = links.map((l) => l.title).join(", ");
    if (!text) {
      this.errorEl.textContent = t("chat.empty");
      return;
    }
    if (text.length > 2000) {
      this.errorEl.textContent = t("chat.tooLong");
      return;
    }
    this.errorEl.textContent = "";
    this.sendButton.disabled = true;
    this.stopTyping();
    // A retry of the same text reuses its client id, so a send that did arrive is never stored twice.
    if (!this.pending || this.pending.text !== text) this.pending = { text, clientId: this.ctx.newClientId() };
    try {
      const message = await this.ctx.send(this, text, links, this.pending.clientId);
      this.pending = null;
      this.textarea.value = "";
      this.attached = [];
      this.renderAttached();
      if (message) this.addMessage(message);
    } catch (err) {
      this.errorEl.textContent = err && err.code === "too_large" ? t("chat.tooLong") : t("chat.sendFailed");
    } finally {
      this.sendButton.disabled = false;
    }
  }

  addMessage(message, { scroll = true } = {}) {
    if (message.seq !== undefined && message.seq !== null) {
      if (this.seqs.has(message.seq)) return;
      this.seqs.add(message.seq);
    }
    const me = this.ctx.me();
    const item = renderMessage(message, me ? me.alias : null, conversationCode(this.id));
    // Keep order by seq even when frames arrive out of order.
    const after = Array.from(this.listEl.children).find((li) => Number(li.dataset.seq) > Number(message.seq));
    if (after) this.listEl.insertBefore(item, after);
    else this.listEl.append(item);
    if (message.from === "youth" || message.from === "bot") this.setTyping(message.from, false);
    if (scroll && (this.stickToEnd || message.from === "volunteer")) this.scrollToEnd();
  }

  scrollToEnd() {
    this.messagesEl.scrollTop = this.messagesEl.scrollHeight;
  }

  setTyping(from, on) {
    window.clearTimeout(this.typingShowTimer);
    if (!on || from === "volunteer") {
      this.typingEl.textContent = "";
      return;
    }
    this.typingEl.textContent = t(`chat.typing.${from}`);
    this.typingShowTimer = window.setTimeout(() => {
      this.typingEl.textContent = "";
    }, TYPING_SHOW_MS);
  }

  updateSummary(summary) {
    this.summary = { ...this.summary, ...summary };
    const s = this.summary;
    this.el.classList.toggle("is-crisis", Boolean(s.crisis || s.priority === "crisis"));
    this.el.classList.toggle("is-watch", this.mode === "watch");
    clear(this.tagsEl);
    if (s.crisis || s.priority === "crisis") this.tagsEl.append(h("span", { class: "tag tag-crisis", text: t("priority.crisis") }));
    if (s.topic) this.tagsEl.append(h("span", { class: "tag", text: topicLabel(s.topic) }));
    if (this.mode === "watch") this.tagsEl.append(h("span", { class: "tag tag-warn", text: t("chat.watching") }));
    if (s.youth_online === false) this.tagsEl.append(h("span", { class: "tag tag-warn", text: t("queue.offline") }));

    const rows = [
      ["chat.topic", topicLabel(s.topic)],
      ["chat.language", languageLabel(s.language)],
      ["chat.county", s.county || t("chat.unknown")],
      [
        "chat.crisis",
        (s.crisis_categories || []).length
          ? s.crisis_categories.map(categoryLabel).join(", ")
          : s.crisis
            ? t("priority.crisis")
            : t("chat.noCrisis"),
      ],
    ];
    if (s.waiting_seconds) rows.push(["chat.waited", `${Math.max(1, Math.round(s.waiting_seconds / 60))} min`]);
    if (s.started_at) rows.push(["chat.started", clock(s.started_at)]);
    clear(this.summaryList);
    for (const [key, value] of rows) {
      this.summaryList.append(h("dt", { text: t(key) }), h("dd", { text: value }));
    }
  }

  /** Re-render language dependent parts after the UI language changed. */
  relabel() {
    this.headingEl.textContent = this.title;
    this.messagesEl.setAttribute("aria-label", t("chat.messagesLabel", { title: this.title }));
    this.updateSummary({});
    this.fillOptions();
    applyI18n(this.el);
  }

  /** The young person left: keep the panel so the volunteer can still write the wrap-up. */
  markEnded(reasonText) {
    if (this.ended) return;
    this.ended = true;
    this.el.classList.add("is-ended");
    this.listEl.append(h("li", { class: "msg msg-system msg-ended" }, h("p", { class: "text", text: reasonText })));
    this.scrollToEnd();
    this.setTyping("youth", false);
    this.stopTyping();
    for (const control of [this.textarea, this.sendButton, this.cannedSelect, this.linkSelect, this.transferButton]) {
      if (control) control.disabled = true;
    }
  }

  focusComposer() {
    if (this.textarea && !this.ended) this.textarea.focus();
    else if (this.endButton) this.endButton.focus();
    else if (this.stepInButton) this.stepInButton.focus();
  }

  destroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
    this.stopTyping();
    window.clearTimeout(this.typingShowTimer);
    this.el.remove();
  }
}
