// Screen-reader announcements and the calm, sound-free crisis banner.
import { h, $ } from "./dom.js";
import { t } from "./i18n.js";

function speak(regionId, message) {
  const region = document.getElementById(regionId);
  if (!region) return;
  // Clear first so the same sentence twice is still announced.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** Polite announcement (new message, queue change). */
export function announce(message) {
  speak("sr-polite", message);
}

/** Assertive announcement (crisis). */
export function announceUrgent(message) {
  speak("sr-assertive", message);
}

/**
 * Show a crisis banner for one conversation. It stays until the conversation is taken
 * (removeCrisisBanner) or the volunteer dismisses it. onOpen is called by its button.
 */
export function showCrisisBanner(conversationId, summaryText, onOpen) {
  const area = $("#crisis-banners");
  if (!area) return;
  const existing = area.querySelector(`[data-conversation="${CSS.escape(conversationId)}"]`);
  if (existing) existing.remove();
  const openButton = h("button", {
    type: "button",
    class: "btn btn-crisis",
    text: t("crisis.open"),
    on: { click: () => onOpen(conversationId) },
  });
  const banner = h(
    "div",
    { class: "crisis-banner", dataset: { conversation: conversationId } },
    h("span", { class: "crisis-icon", "aria-hidden": "true", text: "!" }),
    h(
      "p",
      { class: "crisis-text" },
      h("strong", { text: t("crisis.title") }),
      " ",
      h("span", { text: summaryText }),
    ),
    openButton,
    h("button", {
      type: "button",
      class: "btn btn-quiet",
      text: t("crisis.dismiss"),
      "aria-label": t("crisis.dismissLabel"),
      on: {
        click: () => {
          banner.remove();
          updateTitle();
        },
      },
    }),
  );
  area.append(banner);
  announceUrgent(`${t("crisis.title")} ${summaryText}`);
  updateTitle();
}

export function removeCrisisBanner(conversationId) {
  const area = $("#crisis-banners");
  if (!area) return;
  const banner = area.querySelector(`[data-conversation="${CSS.escape(conversationId)}"]`);
  if (banner) banner.remove();
  updateTitle();
}

// ---- the tab title tells what waits while the console is in a background tab ----
let unread = 0;

export function noteUnread() {
  if (document.hidden) {
    unread += 1;
    updateTitle();
  }
}

export function updateTitle() {
  const crises = document.querySelectorAll("#crisis-banners .crisis-banner").length;
  const prefix = `${crises ? "⚠ " : ""}${unread ? `(${unread}) ` : ""}`;
  document.title = prefix + t("app.title");
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    unread = 0;
    updateTitle();
  }
});

/** Short toast-like status line (not for errors that need action). */
let statusTimer = null;
export function status(message) {
  const line = $("#status-line");
  if (line) {
    line.textContent = message;
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(() => {
      line.textContent = "";
    }, 10000);
  }
  announce(message);
}
