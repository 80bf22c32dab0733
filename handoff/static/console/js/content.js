// Canned replies and service links: everyone reads, supervisors add, edit and delete.
import { h, clear, externalLink, safeUrl, $ } from "./dom.js";
import { t, topicLabel } from "./i18n.js";
import * as api from "./api.js";
import { status } from "./announce.js";

const LANGUAGES = ["fi", "sv", "en"];

function languageSelect(id, value) {
  return h(
    "select",
    { id, name: "language" },
    LANGUAGES.map((code) => h("option", { value: code, selected: code === (value || "fi"), text: code })),
  );
}

function topicSelect(id, value, topics) {
  return h(
    "select",
    { id, name: "topic" },
    h("option", { value: "", text: t("content.anyTopic") }),
    topics.map((topic) => h("option", { value: topic.key, selected: topic.key === value, text: topicLabel(topic.key) })),
  );
}

/**
 * Render the content view. ctx: {isSupervisor, canned(), links(), topics(), reload() -> Promise}
 */
export function renderContent(ctx) {
  const body = $("#content-body");
  if (!body) return;
  clear(body);
  if (!ctx.isSupervisor) body.append(h("p", { class: "hint", text: t("content.readonly") }));
  body.append(h("div", { class: "sup-grid" }, repliesSection(ctx), linksSection(ctx)));
}

function repliesSection(ctx) {
  const section = h(
    "section",
    { class: "panel", "aria-labelledby": "content-replies-title" },
    h("h3", { id: "content-replies-title", text: t("content.replies") }),
  );
  const list = h("ul", { class: "editor-list", id: "canned-list" });
  const replies = ctx.canned();
  if (!replies.length) section.append(h("p", { class: "empty", text: t("content.none") }));
  for (const reply of replies) {
    const item = h(
      "li",
      { class: "editor-item", dataset: { id: reply.id } },
      h("div", { class: "item-head" }, h("strong", { text: reply.title }), h("span", { class: "tag", text: reply.language || "fi" })),
      h("p", { text: reply.text }),
    );
    if (ctx.isSupervisor) item.append(editorButtons(ctx, reply, item, "reply"));
    list.append(item);
  }
  section.append(list);
  if (ctx.isSupervisor) section.append(replyForm(ctx, null));
  return section;
}

function linksSection(ctx) {
  const section = h(
    "section",
    { class: "panel", "aria-labelledby": "content-links-title" },
    h("h3", { id: "content-links-title", text: t("content.links") }),
  );
  const list = h("ul", { class: "editor-list", id: "link-list" });
  const links = ctx.links();
  if (!links.length) section.append(h("p", { class: "empty", text: t("content.none") }));
  for (const link of links) {
    const item = h(
      "li",
      { class: "editor-item", dataset: { id: link.id } },
      h(
        "div",
        { class: "item-head" },
        externalLink(link.title, link.url),
        h("span", { class: "tag", text: link.language || "fi" }),
        link.topic ? h("span", { class: "tag", text: topicLabel(link.topic) }) : null,
      ),
    );
    if (ctx.isSupervisor) item.append(editorButtons(ctx, link, item, "link"));
    list.append(item);
  }
  section.append(list);
  if (ctx.isSupervisor) section.append(linkForm(ctx, null));
  return section;
}

function editorButtons(ctx, record, item, kind) {
  return h(
    "div",
    { class: "item-actions" },
    h("button", {
      type: "button",
      class: "btn btn-small",
      text: t("content.edit"),
      "aria-label": t("content.editLabel", { title: record.title }),
      on: {
        click: () => {
          const form = kind === "reply" ? replyForm(ctx, record) : linkForm(ctx, record);
          item.replaceWith(h("li", { class: "editor-item" }, form));
          const first = form.querySelector("input, textarea");
          if (first) first.focus();
        },
      },
    }),
    h("button", {
      type: "button",
      class: "btn btn-small",
      text: t("content.delete"),
      "aria-label": t("content.deleteLabel", { title: record.title }),
      on: {
        click: async () => {
          try {
            if (kind === "reply") await api.deleteCanned(record.id);
            else await api.deleteLink(record.id);
            status(t("content.deleted"));
            await ctx.reload();
          } catch (err) {
            status(t("content.failed", { message: err.message }));
          }
        },
      },
    }),
  );
}

let formCounter = 0;

function replyForm(ctx, reply) {
  const n = ++formCounter;
  const titleInput = h("input", { type: "text", id: `reply-title-${n}`, name: "title", required: true, maxlength: "80", value: reply ? reply.title : "" });
  const textInput = h("textarea", { id: `reply-text-${n}`, name: "text", required: true, rows: "3", maxlength: "2000" });
  textInput.value = reply ? reply.text : "";
  const language = languageSelect(`reply-lang-${n}`, reply && reply.language);
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h(
    "form",
    { class: "reply-form", novalidate: true, "aria-label": reply ? t("content.editLabel", { title: reply.title }) : t("content.addReply") },
    reply ? null : h("h4", { text: t("content.addReply") }),
    h("label", { for: titleInput.id, text: t("content.fieldTitle") }),
    titleInput,
    h("label", { for: textInput.id, text: t("content.fieldText") }),
    textInput,
    h("label", { for: language.id, text: t("content.fieldLanguage") }),
    language,
    error,
    h(
      "div",
      { class: "item-actions" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: t("content.save") }),
      reply ? h("button", { type: "button", class: "btn btn-small", text: t("content.cancel"), on: { click: () => ctx.reload() } }) : null,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: titleInput.value.trim(), text: textInput.value.trim(), language: language.value };
    if (!body.title || !body.text) {
      error.textContent = t("content.failed", { message: t("content.fieldTitle") + " / " + t("content.fieldText") });
      return;
    }
    try {
      if (reply) await api.updateCanned(reply.id, body);
      else await api.createCanned(body);
      status(t("content.saved"));
      await ctx.reload();
    } catch (err) {
      error.textContent = t("content.failed", { message: err.message });
    }
  });
  return form;
}

function linkForm(ctx, link) {
  const n = ++formCounter;
  const titleInput = h("input", { type: "text", id: `link-title-${n}`, name: "title", required: true, maxlength: "80", value: link ? link.title : "" });
  const urlInput = h("input", { type: "url", id: `link-url-${n}`, name: "url", required: true, value: link ? link.url : "", placeholder: "https://" });
  const language = languageSelect(`link-lang-${n}`, link && link.language);
  const topic = topicSelect(`link-topic-${n}`, link && link.topic, ctx.topics());
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h(
    "form",
    { class: "link-form", novalidate: true, "aria-label": link ? t("content.editLabel", { title: link.title }) : t("content.addLink") },
    link ? null : h("h4", { text: t("content.addLink") }),
    h("label", { for: titleInput.id, text: t("content.fieldTitle") }),
    titleInput,
    h("label", { for: urlInput.id, text: t("content.fieldUrl") }),
    urlInput,
    h("label", { for: language.id, text: t("content.fieldLanguage") }),
    language,
    h("label", { for: topic.id, text: t("content.fieldTopic") }),
    topic,
    error,
    h(
      "div",
      { class: "item-actions" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: t("content.save") }),
      link ? h("button", { type: "button", class: "btn btn-small", text: t("content.cancel"), on: { click: () => ctx.reload() } }) : null,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = urlInput.value.trim();
    if (!url.startsWith("https://") || !safeUrl(url)) {
      error.textContent = t("content.urlBad");
      urlInput.focus();
      return;
    }
    const body = { title: titleInput.value.trim(), url, language: language.value, topic: topic.value || null };
    try {
      if (link) await api.updateLink(link.id, body);
      else await api.createLink(body);
      status(t("content.saved"));
      await ctx.reload();
    } catch (err) {
      error.textContent = t("content.failed", { message: err.message });
    }
  });
  return form;
}
