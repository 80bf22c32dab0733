// Supervisor overview: live counts, who is on shift, the queue.
import { h, clear, clock, $ } from "./dom.js";
import { t, topicLabel } from "./i18n.js";
import { conversationTitle } from "./chat.js";

const COUNT_KEYS = [
  ["live_conversations", "sup.live"],
  ["bot", "sup.bot"],
  ["queued", "sup.queued"],
  ["crisis_queued", "sup.crisisQueued"],
  ["with_volunteer", "sup.withVolunteer"],
  ["on_shift", "sup.onShift"],
  ["available", "sup.available"],
  ["ended_today", "sup.endedToday"],
];

function yesNo(value) {
  return value ? t("sup.yes") : t("sup.no");
}

function table(captionKey, headKeys, rows) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
    h("caption", { class: "sr-only", text: t(captionKey) }),
    h("thead", {}, h("tr", {}, headKeys.map((key) => h("th", { scope: "col", text: t(key) })))),
    h("tbody", {}, rows),
    ),
  );
}

export function renderOverview(overview) {
  const body = $("#sup-body");
  if (!body || !overview) return;
  clear(body);
  const counts = overview.counts || {};
  const stats = h("ul", { class: "stats", "aria-label": t("sup.counts") });
  for (const [key, label] of COUNT_KEYS) {
    stats.append(
      h(
        "li",
        { class: `stat${key === "crisis_queued" && counts[key] ? " queue-item is-crisis" : ""}`, dataset: { count: key } },
        h("span", { class: "stat-value", text: String(counts[key] ?? 0) }),
        h("span", { class: "stat-label", text: t(label) }),
      ),
    );
  }
  if (typeof counts.estimated_wait_seconds === "number") {
    stats.append(
      h(
        "li",
        { class: "stat", dataset: { count: "estimated_wait" } },
        h("span", { class: "stat-value", text: String(Math.round(counts.estimated_wait_seconds / 60)) }),
        h("span", { class: "stat-label", text: t("sup.wait") }),
      ),
    );
  }
  body.append(h("h3", { class: "sr-only", text: t("sup.counts") }), stats);

  const volunteers = [...(overview.volunteers || [])].sort((a, b) => Number(b.on_shift) - Number(a.on_shift));
  const volunteerRows = volunteers.map((v) =>
    h(
      "tr",
      { dataset: { volunteer: v.id } },
      h("td", { text: v.alias || "–" }),
      h("td", { text: v.username || "" }),
      h("td", { text: yesNo(v.on_shift) }),
      h("td", { text: yesNo(v.online) }),
      h("td", { text: `${v.active_chats ?? 0}/${v.capacity ?? "?"}` }),
      h("td", { text: v.shift_started_at ? clock(v.shift_started_at) : "–" }),
    ),
  );
  const queueRows = (overview.queue || []).map((entry, index) =>
    h(
      "tr",
      { dataset: { conversation: entry.conversation_id } },
      h("td", { text: `${entry.position || index + 1}. ${conversationTitle(entry.conversation_id)}` }),
      h("td", {}, entry.priority === "crisis" || entry.crisis
        ? h("span", { class: "tag tag-crisis", text: t("priority.crisis") })
        : t("priority.normal")),
      h("td", { text: topicLabel(entry.topic) }),
      h("td", { text: `${Math.floor((entry.waiting_seconds || 0) / 60)} min` }),
    ),
  );
  body.append(
    h(
      "div",
      { class: "sup-grid" },
      h(
        "section",
        { class: "panel", "aria-labelledby": "sup-volunteers-title" },
        h("h3", { id: "sup-volunteers-title", text: t("sup.volunteers") }),
        volunteerRows.length
          ? table("sup.volunteers", ["sup.col.alias", "sup.col.username", "sup.col.shift", "sup.col.online", "sup.col.chats", "sup.col.since"], volunteerRows)
          : h("p", { class: "empty", text: t("sup.noVolunteers") }),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "sup-queue-title" },
        h("h3", { id: "sup-queue-title", text: `${t("sup.queue")} (${queueRows.length})` }),
        queueRows.length
          ? table("sup.queue", ["queue.title", "sup.col.priority", "sup.col.topic", "sup.col.waiting"], queueRows)
          : h("p", { class: "empty", text: t("queue.empty") }),
      ),
    ),
  );
}
