// besa545 explorer: the panel, the filters and keyboard use (Tab reaches each paragraph's
// button, whose panel lists the paragraph's rows; the highlights are for the mouse). The page is written whole by
// `besa545 html`; this script only reads the inline JSON and listens (one listener per
// kind of event, on the document), so it does no work at load beyond parsing the data.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("besa545-data").textContent);
  const panel = document.getElementById("panel");
  const count = document.getElementById("count");
  const primaries = Array.from(document.querySelectorAll(".hl[data-table]"));
  let current = [];

  function highlightsOf(table, id) {
    return Array.from(document.querySelectorAll(".hl, .pnum")).filter((element) =>
      (element.dataset.table === table && element.dataset.id === id) ||
      (element.dataset.partTable === table && element.dataset.partId === id));
  }

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      element.setAttribute(name, value);
    }
    for (const child of children) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function keyOf(table, row, fields) {
    const values = fields.map((name) => row[name]);
    return values.some((value) => value === null || value === undefined)
      ? null : values.join("/");
  }

  function go(table, id, via, quoted) {
    const button = el("button", { type: "button", class: "go", "data-go-table": table,
      "data-go-id": id }, DATA.labels[table][id] || id);
    if (quoted) button.append(el("span", { class: "quoted" }, `: \u201c${quoted}\u201d`));
    if (via) button.append(el("span", { class: "via" }, ` (${via})`));
    return button;
  }

  // The paragraph a row's passage starts in, and the paragraph's own button.
  function sectionOf(table, id) {
    if (table === DATA.container) {
      return document.getElementById(`p${DATA.tables[table].rows[id].position}`);
    }
    const first = highlightsOf(table, id)[0];
    return first ? first.closest("section.para") : null;
  }

  // A row's passage as read out in a list: its words, shortened to about 60 characters.
  function passageOf(table, id) {
    const words = highlightsOf(table, id).map((element) => element.textContent).join(" ")
      .split(/\s+/).filter(Boolean).join(" ");
    return words.length > 60 ? `${words.slice(0, 57).replace(/\s+\S*$/, "")}\u2026` : words;
  }

  // Every row with a passage in the paragraph (also one continued from an earlier
  // paragraph), in text order, each once, leaving out those the filters hide.
  function rowsIn(section) {
    const seen = new Set();
    const rows = [];
    for (const element of section.querySelectorAll(".hl")) {
      if (element.classList.contains("is-hidden")) continue;
      const table = element.dataset.table || element.dataset.partTable;
      const id = element.dataset.id || element.dataset.partId;
      if (!seen.has(`${table}\u0000${id}`)) {
        seen.add(`${table}\u0000${id}`);
        rows.push([table, id]);
      }
    }
    return rows;
  }

  function focusPanel() {
    panel.focus({ preventScroll: true });
    const box = panel.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= window.innerHeight) panel.scrollIntoView({ block: "start" });
  }

  // Rows this row refers to through its foreign keys, and rows that refer to it.
  function related(table, id) {
    const row = DATA.tables[table].rows[id];
    const out = [];
    const incoming = {};
    for (const key of DATA.foreignKeys) {
      if (key.table === table) {
        const target = keyOf(key.ref, row, key.fields);
        if (target !== null && DATA.tables[key.ref].rows[target] && key.ref !== "documents") {
          out.push([key.ref, target, key.fields.join(", ")]);
        }
      }
      if (key.ref === table && key.table !== table) {
        const wanted = keyOf(table, row, key.refFields);
        for (const [otherId, other] of Object.entries(DATA.tables[key.table].rows)) {
          if (keyOf(key.table, other, key.fields) === wanted) {
            (incoming[key.table] = incoming[key.table] || []).push([otherId, key.fields.join(", ")]);
          }
        }
      }
    }
    return { out, incoming };
  }

  function show(table, id, origin) {
    const row = DATA.tables[table].rows[id];
    if (!row) return;
    for (const element of current) element.classList.remove("is-current");
    current = highlightsOf(table, id);
    for (const element of current) element.classList.add("is-current");
    const kind = DATA.kinds[table] || table.replace(/s$/, "");
    const title = el("h2", { id: "panel-title" }, el("span", { class: "kind" }, kind),
      DATA.labels[table][id] || id);
    const facts = el("dl", {}, el("dt", {}, "table"), el("dd", { "data-field": "table" }, table),
      el("dt", {}, "id"), el("dd", { "data-field": "id" }, id));
    for (const [name, value] of Object.entries(row)) {
      facts.append(el("dt", {}, name), value === null
        ? el("dd", { class: "none", "data-field": name }, "empty")
        : el("dd", { "data-field": name }, value));
    }
    const parts = [title, facts];
    const { out, incoming } = related(table, id);
    if (out.length) {
      parts.push(el("h3", {}, "Refers to"),
        el("ul", { class: "refers" }, ...out.map(([t, k, via]) => el("li", {}, go(t, k, via)))));
    }
    for (const [other, rows] of Object.entries(incoming)) {
      if (table === DATA.container) break; // a paragraph lists its rows below, once
      const shown = rows.slice(0, 40);
      const list = el("ul", { class: "referred" }, ...shown.map(([k, via]) =>
        el("li", {}, go(other, k, via))));
      if (rows.length > shown.length) list.append(el("li", {}, `and ${rows.length - shown.length} more`));
      parts.push(el("h3", {}, `${other} referring to it (${rows.length})`), list);
    }
    const section = sectionOf(table, id);
    if (table === DATA.container && section) {
      const inside = rowsIn(section);
      parts.push(el("h3", {}, `Rows in this paragraph (${inside.length})`),
        el("ul", { class: "inside" }, ...inside.map(([t, k]) => el("li", {},
          go(t, k, DATA.kinds[t] || t, passageOf(t, k))))));
    } else if (section) {
      const number = section.id.slice(1);
      parts.push(el("p", { class: "back" }, el("button", { type: "button", class: "back",
        "data-section": section.id }, `Back to the rows of \u00b6\u202f${number}`),
        " (Escape returns to the paragraph in the text)"));
    }
    if (origin) {
      const covering = [];
      for (let node = origin.parentElement; node && node.tagName !== "P"; node = node.parentElement) {
        const t = node.dataset.table || node.dataset.partTable;
        const k = node.dataset.id || node.dataset.partId;
        if (t) covering.push(el("li", {}, go(t, k, DATA.kinds[t] || t)));
      }
      if (covering.length) {
        parts.push(el("h3", {}, "Inside the passage of"), el("ul", { class: "covering" }, ...covering));
      }
    }
    panel.replaceChildren(...parts);
    panel.dataset.table = table;
    panel.dataset.id = id;
  }

  function target(event) {
    const element = event.target.closest(".hl, .pnum");
    if (!element || element.classList.contains("is-hidden")) return null;
    return element;
  }

  function open(element) {
    show(element.dataset.table || element.dataset.partTable,
      element.dataset.id || element.dataset.partId, element);
  }

  function toParagraph(section) {
    const button = section.querySelector(".pnum");
    button.scrollIntoView({ block: "center" });
    button.focus({ preventScroll: true });
  }

  document.addEventListener("click", (event) => {
    const back = event.target.closest("button.back");
    if (back) {
      open(document.getElementById(back.dataset.section).querySelector(".pnum"));
      focusPanel();
      return;
    }
    const link = event.target.closest(".go");
    if (link) {
      const table = link.dataset.goTable, id = link.dataset.goId;
      const primary = highlightsOf(table, id).find((element) => element.dataset.table);
      show(table, id, primary);
      if (primary && !primary.classList.contains("is-hidden")) {
        primary.scrollIntoView({ block: "center" });
      }
      focusPanel(); // the button pressed is gone: read on from the panel
      return;
    }
    const element = target(event);
    if (element) {
      open(element);
      if (event.detail === 0 && element.classList.contains("pnum")) {
        focusPanel(); // from the keyboard, a paragraph's button leads on to its rows
      } else if (!element.classList.contains("pnum")) {
        // a passage clicked: the keyboard goes on from its paragraph, not the top
        element.closest("section.para").querySelector(".pnum").focus({ preventScroll: true });
      }
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !panel.dataset.table) return;
    if (!panel.contains(document.activeElement)) return;
    const section = sectionOf(panel.dataset.table, panel.dataset.id);
    if (section) {
      event.preventDefault();
      toParagraph(section);
    }
  });

  // Filters: a located row is shown when its table is ticked and it matches every other
  // filter that is set (its facets were computed by `besa545 html`).
  const controls = {
    tables: Array.from(document.querySelectorAll("input[name=table]")),
    actor: document.getElementById("f-actor"),
    type: document.getElementById("f-type"),
    topic: document.getElementById("f-topic"),
    search: document.getElementById("f-search"),
  };

  function matches(facet, tables, actor, type, topic, words) {
    return facet && tables.has(facet.table) &&
      (!actor || facet.actors.includes(actor)) &&
      (!type || facet.eventTypes.includes(type)) &&
      (!topic || facet.topics.includes(topic)) &&
      words.every((word) => facet.text.includes(word));
  }

  function apply() {
    const tables = new Set(controls.tables.filter((box) => box.checked).map((box) => box.value));
    const actor = controls.actor.value, type = controls.type.value, topic = controls.topic.value;
    const words = controls.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    const visible = new Set();
    for (const element of primaries) {
      const table = element.dataset.table, id = element.dataset.id;
      const facet = DATA.facets[table] && DATA.facets[table][id];
      const on = matches(facet && { ...facet, table }, tables, actor, type, topic, words);
      if (on) { shown += 1; visible.add(`${table}\u0000${id}`); }
      element.classList.toggle("is-hidden", !on);
    }
    for (const element of document.querySelectorAll(".hl.part")) {
      const key = `${element.dataset.partTable}\u0000${element.dataset.partId}`;
      element.classList.toggle("is-hidden", !visible.has(key));
    }
    count.textContent = `Showing ${shown} of ${primaries.length} annotations`;
    count.dataset.shown = String(shown);
    if (panel.dataset.table === DATA.container) show(DATA.container, panel.dataset.id, null);
  }

  for (const box of controls.tables) box.addEventListener("change", apply);
  for (const select of [controls.actor, controls.type, controls.topic]) {
    select.addEventListener("change", apply);
  }
  controls.search.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", () => {
    for (const box of controls.tables) box.checked = true;
    controls.actor.value = controls.type.value = controls.topic.value = controls.search.value = "";
    apply();
  });

  apply();
  document.documentElement.dataset.ready = String(performance.now());
})();
