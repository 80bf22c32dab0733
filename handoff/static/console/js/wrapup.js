// Wrap-up dialog (end a chat) and transfer dialog. Both are native <dialog>s: focus stays inside,
// Escape cancels, and focus returns to the button that opened them.
import { h, clear, $ } from "./dom.js";
import { t, topicLabel } from "./i18n.js";

/**
 * Ask for the wrap-up. opts: {summary, topics: [{key,...}], services: [{id,title}],
 * onSubmit(wrapup) -> Promise (throws to keep the dialog open)}.
 */
export function openWrapup(opts) {
  const dialog = $("#wrapup-dialog");
  const form = $("#wrapup-form");
  const topicsBox = $("#wrapup-topics");
  const servicesBox = $("#wrapup-services");
  const referral = $("#wrapup-referral");
  const crisis = $("#wrapup-crisis");
  const error = $("#wrapup-error");
  const returnFocus = document.activeElement;
  const summary = opts.summary || {};

  clear(topicsBox);
  for (const topic of opts.topics) {
    const id = `wrapup-topic-${topic.key}`;
    topicsBox.append(
      h(
        "label",
        { class: "check", for: id },
        h("input", { type: "checkbox", id, name: "topic", value: topic.key, checked: topic.key === summary.topic }),
        h("span", { text: topicLabel(topic.key) }),
      ),
    );
  }
  clear(servicesBox);
  for (const service of opts.services) {
    const id = `wrapup-service-${service.id}`;
    servicesBox.append(
      h(
        "label",
        { class: "check", for: id },
        h("input", { type: "checkbox", id, name: "service", value: service.id }),
        h("span", { text: service.title }),
      ),
    );
  }
  referral.checked = false;
  $("#wrapup-services-box").hidden = true;
  referral.onchange = () => {
    $("#wrapup-services-box").hidden = !referral.checked || opts.services.length === 0;
  };
  crisis.checked = Boolean(summary.crisis || summary.priority === "crisis");
  error.textContent = "";

  const close = () => {
    dialog.close();
    form.onsubmit = null;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  };
  $("#wrapup-cancel").onclick = close;
  dialog.oncancel = (event) => {
    event.preventDefault();
    close();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const topics = Array.from(topicsBox.querySelectorAll("input:checked"), (input) => input.value);
    if (!topics.length) {
      error.textContent = t("wrapup.needTopic");
      const first = topicsBox.querySelector("input");
      if (first) first.focus();
      return;
    }
    const wrapup = {
      topics,
      referral_given: referral.checked,
      referral_services: referral.checked
        ? Array.from(servicesBox.querySelectorAll("input:checked"), (input) => input.value)
        : [],
      crisis: crisis.checked,
    };
    const submit = $("#wrapup-submit");
    submit.disabled = true;
    try {
      await opts.onSubmit(wrapup);
      dialog.close();
      form.onsubmit = null;
    } catch (err) {
      error.textContent = err && err.code === "bad_wrapup" ? t("wrapup.needTopic") : t("wrapup.failed");
    } finally {
      submit.disabled = false;
    }
  };
  dialog.showModal();
  const firstChecked = topicsBox.querySelector("input:checked") || topicsBox.querySelector("input");
  if (firstChecked) firstChecked.focus();
}

/**
 * Ask where to transfer. opts: {volunteers: [{id, alias, capacity, active_chats}], onSubmit(to|null) -> Promise}
 */
export function openTransfer(opts) {
  const dialog = $("#transfer-dialog");
  const form = $("#transfer-form");
  const box = $("#transfer-options");
  const error = $("#transfer-error");
  const returnFocus = document.activeElement;
  clear(box);
  error.textContent = "";
  const option = (value, label, checked) => {
    const id = `transfer-${value || "queue"}`;
    return h(
      "label",
      { class: "check", for: id },
      h("input", { type: "radio", name: "transfer-to", id, value, checked }),
      h("span", { text: label }),
    );
  };
  box.append(option("", t("transfer.queue"), true));
  for (const volunteer of opts.volunteers) {
    box.append(
      option(
        volunteer.id,
        t("transfer.volunteer", { alias: volunteer.alias || "?", n: volunteer.active_chats ?? 0, capacity: volunteer.capacity ?? "?" }),
        false,
      ),
    );
  }
  if (!opts.volunteers.length) box.append(h("p", { class: "hint", text: t("transfer.nobody") }));

  const close = () => {
    dialog.close();
    form.onsubmit = null;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  };
  $("#transfer-cancel").onclick = close;
  dialog.oncancel = (event) => {
    event.preventDefault();
    close();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const chosen = box.querySelector("input:checked");
    const to = chosen && chosen.value ? chosen.value : null;
    try {
      await opts.onSubmit(to);
      dialog.close();
      form.onsubmit = null;
    } catch {
      error.textContent = t("transfer.failed");
    }
  };
  dialog.showModal();
  const first = box.querySelector("input:checked");
  if (first) first.focus();
}
