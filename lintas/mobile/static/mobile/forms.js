// The four forms of the phone app, drawn from plain definitions and checked on the phone
// before they are queued; the hub checks everything again when they arrive.
import { t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const COUNT_MAX = 100000;
const count = (name) => ({ name, type: "count", label: name });
const heldOn = { name: "held_on", type: "date", label: "held_on", required: true, today: true };

export const FORMS = {
  activity: {
    title: "new_activity",
    fields: [
      { name: "kind", type: "select", label: "kind", required: true, options: (b) => b.activity_kinds },
      heldOn,
      { name: "village_code", type: "village", label: "village", required: true },
      count("girls"), count("boys"), count("women"), count("men"),
      { name: "audiences", type: "checks", label: "audiences", options: (b) => b.audiences },
      { name: "language", type: "text", label: "activity_language", max: 40 },
      { name: "materials", type: "text", label: "materials", max: 500 },
      { name: "concerns", type: "textarea", label: "concerns", max: 5000 },
      { name: "follow_up_requested", type: "checkbox", label: "follow_up_requested" },
    ],
  },
  meeting: {
    title: "new_meeting",
    fields: [
      {
        name: "group_id", type: "select", label: "group", required: true,
        options: (b) => b.groups.map((g) => ({ value: g.id, label: g.name })),
      },
      heldOn, count("women"), count("men"),
      { name: "note", type: "textarea", label: "note", max: 2000 },
    ],
  },
  report: {
    title: "new_report",
    fields: [
      { name: "body", type: "textarea", label: "body", required: true, max: 5000 },
      { name: "village_code", type: "village", label: "village", required: true },
      { name: "happened_on", type: "date", label: "happened_on" },
      { name: "at_risk", type: "select", label: "at_risk", initial: "unknown", options: (b) => b.at_risk },
      {
        name: "group_id", type: "select", label: "group", empty: "no_group",
        options: (b) => b.groups.map((g) => ({ value: g.id, label: g.name })),
      },
      { name: "named_with_consent", type: "checkbox", label: "named_with_consent" },
    ],
  },
  visit: {
    title: "new_visit",
    fields: [
      {
        name: "follow_up_id", type: "select", label: "visit", required: true,
        options: (b) => b.visits.map((v) => ({
          value: v.id,
          label: `${v.case_reference} · ${t("due", { date: v.due_on })}${v.overdue ? ` · ${t("overdue")}` : ""}`,
        })),
      },
      { name: "outcome", type: "select", label: "outcome", required: true, options: (b) => b.outcomes },
      { name: "note", type: "textarea", label: "note", max: 2000 },
      { name: "done_on", type: "date", label: "done_on", required: true, today: true },
    ],
  },
};

// The hub names some fields differently from the forms.
const HUB_NAMES = { village: "village_code", group: "group_id", kind_of: "kind" };

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function options(list, placeholder) {
  return [h("option", { value: "" }, t(placeholder)), ...list.map((o) => h("option", { value: o.value }, o.label))];
}

function villagePicker(field, places, value) {
  const id = `f-${field.name}`;
  const regency = h("select", { id: `${id}-regency` }, options(places.regencies.map(([c, n]) => ({ value: c, label: n })), "choose"));
  const district = h("select", { id: `${id}-district` });
  const village = h("select", { id, name: field.name });
  const fill = (select, rows, prefix) => {
    select.replaceChildren(...options(rows.filter(([c]) => prefix && c.startsWith(`${prefix}.`)).map(([c, n]) => ({ value: c, label: n })), "choose"));
  };
  regency.addEventListener("change", () => {
    fill(district, places.districts, regency.value);
    fill(village, places.villages, "");
  });
  district.addEventListener("change", () => fill(village, places.villages, district.value));
  fill(district, places.districts, "");
  fill(village, places.villages, "");
  if (value) {
    regency.value = value.slice(0, 5);
    fill(district, places.districts, regency.value);
    district.value = value.slice(0, 8);
    fill(village, places.villages, district.value);
    village.value = value;
  }
  return [
    h("label", { for: `${id}-regency` }, t("regency")), regency,
    h("label", { for: `${id}-district` }, t("district")), district,
    h("label", { for: id }, t(field.label)), village,
  ];
}

function input(field, boot, places, value) {
  const id = `f-${field.name}`;
  const label = h("label", { for: id }, t(field.label));
  switch (field.type) {
    case "select": {
      const select = h("select", { id, name: field.name }, options(field.options(boot), field.empty || "choose"));
      select.value = value ?? field.initial ?? "";
      return [label, select];
    }
    case "village":
      return villagePicker(field, places, value);
    case "date":
      return [label, h("input", { id, name: field.name, type: "date", max: today(), value: value ?? (field.today ? today() : "") })];
    case "count":
      return [label, h("input", { id, name: field.name, type: "number", inputmode: "numeric", min: 0, max: COUNT_MAX, value: value ?? "0" })];
    case "text":
      return [label, h("input", { id, name: field.name, type: "text", maxlength: field.max, value: value ?? "" })];
    case "textarea": {
      const area = h("textarea", { id, name: field.name, maxlength: field.max, rows: 4 });
      area.value = value ?? "";
      return [label, area];
    }
    case "checkbox":
      return [h("label", { class: "check" }, h("input", { id, name: field.name, type: "checkbox", checked: Boolean(value) }), t(field.label))];
    case "checks":
      return [h("fieldset", {}, h("legend", {}, t(field.label)), field.options(boot).map((o) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: field.name, value: o.value, checked: (value || []).includes(o.value) }), o.label)))];
    default:
      throw new Error(field.type);
  }
}

export function formDraw(kind, boot, places, values = {}, errors = {}) {
  const form = h("form", { class: "record", novalidate: true, "data-kind": kind });
  for (const field of FORMS[kind].fields) {
    const block = h("div", { class: "field", "data-field": field.name }, input(field, boot, places, values[field.name]));
    const message = errors[field.name];
    if (message) block.append(h("p", { class: "error", role: "alert" }, message));
    form.append(block);
  }
  return form;
}

export function hubErrors(fields) {
  const out = {};
  for (const [name, message] of Object.entries(fields || {})) out[HUB_NAMES[name] || name] = message;
  return out;
}

// {payload, errors}: the values as the API takes them, and a message per bad field.
export function formRead(kind, form) {
  const payload = {};
  const errors = {};
  for (const field of FORMS[kind].fields) {
    const elements = form.querySelectorAll(`[name="${field.name}"]`);
    const first = elements[0];
    let value;
    if (field.type === "checks") value = Array.from(elements).filter((e) => e.checked).map((e) => e.value);
    else if (field.type === "checkbox") value = first.checked;
    else value = first.value.trim();
    if (field.required && value === "") errors[field.name] = t("required");
    if (field.type === "count") {
      if (value === "") value = "0";
      if (!/^\d+$/.test(value) || Number(value) > COUNT_MAX) errors[field.name] = t("count_bad");
      else value = Number(value);
    }
    if (field.type === "date" && value !== "") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) errors[field.name] = t("date_bad");
      else if (value > today()) errors[field.name] = t("date_future");
    }
    if (field.type === "date" && value === "" && !field.required) value = null;
    if (field.name === "group_id" && value === "" && !field.required) value = null;
    payload[field.name] = value;
  }
  if (kind === "visit" && payload.outcome && payload.outcome !== "safe" && !payload.note) {
    errors.note = t("note_needed");
  }
  return { payload, errors };
}
