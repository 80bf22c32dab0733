// The live queue, the offer made to me, and the list of bot conversations I may read (watch mode).
import { h, clear, $ } from "./dom.js";
import { t, topicLabel, categoryLabel, languageLabel } from "./i18n.js";
import { conversationTitle } from "./chat.js";

/** Re-rendering a list must not lose keyboard focus: remember the focused button, restore it after. */
function rememberFocus(list) {
  const active = document.activeElement;
  if (!active || !list.contains(active)) return null;
  const item = active.closest("[data-conversation]");
  return item ? { id: item.dataset.conversation, cls: active.classList[active.classList.length - 1] } : null;
}

function restoreFocus(list, remembered, fallback) {
  if (!remembered) return;
  const item = Array.from(list.querySelectorAll("[data-conversation]")).find((el) => el.dataset.conversation === remembered.id);
  const target = (item && item.querySelector(`.${remembered.cls}`)) || (item && item.querySelector("button")) || fallback;
  if (target) target.focus();
}

function waitingMinutes(entry) {
  if (typeof entry.waiting_seconds === "number") {
    // waiting_seconds was true when the snapshot arrived; age it by the time since then.
    const since = entry.receivedAt ? (Date.now() - entry.receivedAt) / 1000 : 0;
    return Math.floor((entry.waiting_seconds + since) / 60);
  }
  if (entry.queued_at) return Math.max(0, Math.floor((Date.now() - new Date(entry.queued_at).getTime()) / 60000));
  return 0;
}

function entryTags(entry) {
  const tags = [];
  const crisis = entry.priority === "crisis" || entry.crisis;
  if (crisis) tags.push(h("span", { class: "tag tag-crisis", text: t("priority.crisis") }));
  if (entry.topic) tags.push(h("span", { class: "tag", text: topicLabel(entry.topic) }));
  return tags;
}

function entryMeta(entry) {
  const parts = [languageLabel(entry.language)];
  if (entry.county) parts.push(entry.county);
  if ((entry.crisis_categories || []).length) parts.push(entry.crisis_categories.map(categoryLabel).join(", "));
  return parts.join(" · ");
}

/**
 * Render the queue. opts: {onShift: bool, onTake(id, button)}.
 */
export function renderQueue(entries, estimateSeconds, opts) {
  const list = $("#queue-list");
  const focused = rememberFocus(list);
  clear(list);
  $("#queue-count").textContent = `(${entries.length})`;
  $("#queue-empty").hidden = entries.length > 0;
  $("#queue-offshift").hidden = opts.onShift;
  $("#take-next").hidden = !opts.onShift || entries.length === 0;
  $("#queue-estimate").textContent =
    typeof estimateSeconds === "number" && entries.length
      ? t("queue.estimate", { minutes: Math.max(1, Math.round(estimateSeconds / 60)) })
      : "";
  entries.forEach((entry, index) => {
    const title = conversationTitle(entry.conversation_id);
    const crisis = entry.priority === "crisis" || entry.crisis;
    const item = h(
      "li",
      { class: `queue-item${crisis ? " is-crisis" : ""}`, dataset: { conversation: entry.conversation_id } },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: "item-title", text: `${t("queue.position", { n: entry.position || index + 1 })} ${title}` }),
        ...entryTags(entry),
      ),
      h(
        "p",
        { class: "item-meta" },
        `${t("queue.wait", { minutes: waitingMinutes(entry) })} · ${entryMeta(entry)}`,
        entry.youth_online === false ? ` · ${t("queue.offline")}` : "",
      ),
    );
    if (opts.onShift) {
      const button = h("button", {
        type: "button",
        class: crisis ? "btn btn-crisis btn-small take-button" : "btn btn-small take-button",
        "aria-label": t("queue.takeLabel", { title }),
        text: t("queue.take"),
      });
      button.addEventListener("click", () => opts.onTake(entry.conversation_id, button));
      item.append(h("div", { class: "item-actions" }, button));
    }
    list.append(item);
  });
  restoreFocus(list, focused, list.querySelector("button") || $("#queue-title"));
}

/** Show (or clear with null) the offer the gateway made me. opts: {onAccept(id), onDecline(id)} */
export function renderOffer(offer, opts) {
  const area = $("#offer-area");
  const active = document.activeElement;
  const focusedCls = active && area.contains(active) ? active.classList[active.classList.length - 1] : null;
  clear(area);
  if (!offer) {
    if (focusedCls) $("#queue-title").focus();
    return;
  }
  const entry = offer.conversation;
  const title = conversationTitle(entry.conversation_id);
  const crisis = entry.priority === "crisis" || entry.crisis;
  area.append(
    h(
      "div",
      { class: `queue-item offer${crisis ? " is-crisis" : ""}`, role: "group", "aria-labelledby": "offer-title" },
      h("div", { class: "item-head" }, h("strong", { id: "offer-title", text: t("offer.title") }), ...entryTags(entry)),
      h("p", { class: "item-meta", text: `${title} · ${entryMeta(entry)}` }),
      offer.expires_in_seconds ? h("p", { class: "hint", text: t("offer.expires", { seconds: offer.expires_in_seconds }) }) : null,
      h(
        "div",
        { class: "item-actions" },
        h("button", {
          type: "button",
          class: "btn btn-primary btn-small offer-accept",
          text: t("offer.accept"),
          on: { click: () => opts.onAccept(entry.conversation_id) },
        }),
        h("button", {
          type: "button",
          class: "btn btn-small offer-decline",
          text: t("offer.decline"),
          on: { click: () => opts.onDecline(entry.conversation_id) },
        }),
      ),
    ),
  );
  if (focusedCls) {
    const again = area.querySelector(`.${focusedCls}`);
    if (again) again.focus();
  }
}

/**
 * Bot conversations going on now (watch mode). opts: {watching, mine, queued: Set<id>, onWatch(id), onStepIn(id)}
 */
export function renderLive(conversations, opts) {
  const list = $("#live-list");
  const focused = rememberFocus(list);
  clear(list);
  const botOnes = conversations.filter(
    (c) => c.state === "bot" && !opts.mine.has(c.conversation_id) && !opts.queued.has(c.conversation_id),
  );
  $("#live-empty").hidden = botOnes.length > 0;
  for (const conv of botOnes) {
    const title = conversationTitle(conv.conversation_id);
    const crisis = conv.crisis || conv.priority === "crisis";
    const watching = opts.watching.has(conv.conversation_id);
    list.append(
      h(
        "li",
        { class: `watch-item${crisis ? " queue-item is-crisis" : ""}`, dataset: { conversation: conv.conversation_id } },
        h("div", { class: "item-head" }, h("span", { class: "item-title", text: title }), ...entryTags(conv)),
        h("p", { class: "item-meta", text: `${t("live.messages", { n: conv.message_count ?? 0 })} · ${entryMeta(conv)}` }),
        h(
          "div",
          { class: "item-actions" },
          watching
            ? null
            : h("button", {
                type: "button",
                class: "btn btn-small watch-button",
                "aria-label": t("live.watchLabel", { title }),
                text: t("live.watch"),
                on: { click: () => opts.onWatch(conv.conversation_id) },
              }),
          h("button", {
            type: "button",
            class: "btn btn-small step-in-live",
            "aria-label": t("live.stepInLabel", { title }),
            text: t("live.stepIn"),
            on: { click: () => opts.onStepIn(conv.conversation_id) },
          }),
        ),
      ),
    );
  }
  restoreFocus(list, focused, list.querySelector("button") || $("#live-title"));
}
