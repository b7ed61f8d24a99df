// Nothing typed is lost on a long form (an application, a project passport, a report, a score sheet, a
// contest's set-up). A page declares it with data attributes, no inline script:
//
//   <form method="post" data-unsaved="application-42" data-unsaved-restored="…">  the form to keep
//   <form … data-save-first="#application-form">  an upload on the same page: the kept form is saved first
//
// - Every change is copied to localStorage at once (key: the data-unsaved value). When the page is shown
//   again with the same server text as when typing started (a reload, an upload that reloaded the page, a
//   crash of the browser), the typed text is put back and the message of data-unsaved-restored is shown.
//   When the server already holds what was typed (it was saved), the copy is dropped.
// - Leaving the page with unsaved changes asks first (beforeunload), except when the form itself is sent.
// - An upload form with data-save-first sends the kept form (fetch, the same POST as its button) before
//   the file, so the sections are saved as a draft and nothing is lost when the page reloads.
(function () {
  "use strict";

  const PREFIX = "novator:draft:";
  const SKIP = new Set(["hidden", "file", "submit", "button", "reset", "password", "image"]);

  function fields(form) {
    return Array.from(form.elements).filter((el) => el.name && !SKIP.has(el.type) && !el.disabled);
  }

  function snapshot(form) {
    const out = {};
    const seen = {};
    fields(form).forEach((el) => {
      const n = (seen[el.name] = (seen[el.name] || 0) + 1);
      const key = `${el.name}#${n}`;
      if (el.type === "checkbox" || el.type === "radio") out[key] = el.checked;
      else if (el.type === "select-multiple") out[key] = Array.from(el.selectedOptions).map((o) => o.value);
      else out[key] = el.value.replace(/\r\n/g, "\n");
    });
    return out;
  }

  function restore(form, values) {
    const seen = {};
    fields(form).forEach((el) => {
      const n = (seen[el.name] = (seen[el.name] || 0) + 1);
      const key = `${el.name}#${n}`;
      if (!(key in values)) return;
      const value = values[key];
      if (el.type === "checkbox" || el.type === "radio") el.checked = Boolean(value);
      else if (el.type === "select-multiple") {
        Array.from(el.options).forEach((o) => { o.selected = value.includes(o.value); });
      } else el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  function storageKey(form) {
    return PREFIX + (form.dataset.unsaved || window.location.pathname);
  }

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // storage full or disabled: the beforeunload warning still protects the text
    }
  }

  function notice(form, text) {
    if (!text) return;
    const box = document.createElement("div");
    box.className = "alert alert-info";
    box.setAttribute("role", "status");
    box.dataset.unsavedNotice = "1";
    box.textContent = text;
    form.prepend(box);
  }

  function init(form) {
    if (form.dataset.unsavedBound) return;
    form.dataset.unsavedBound = "1";
    const key = storageKey(form);
    const base = snapshot(form); // what the server rendered
    form.unsavedBase = base;
    form.unsavedDirty = false;
    const stored = read(key);
    if (stored && stored.values) {
      if (same(stored.base, base) && !same(stored.values, base)) {
        restore(form, stored.values);
        form.unsavedDirty = true;
        notice(form, form.dataset.unsavedRestored);
      } else {
        write(key, null); // saved already, or the server text changed since: the copy is stale
      }
    }
    const changed = () => {
      const values = snapshot(form);
      form.unsavedDirty = !same(values, base);
      write(key, form.unsavedDirty ? { base: base, values: values, at: Date.now() } : null);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", () => {
      form.unsavedSending = true;
    });
  }

  function dirtyForms() {
    return Array.from(document.querySelectorAll("form[data-unsaved]")).filter(
      (f) => f.unsavedDirty && !f.unsavedSending,
    );
  }

  window.addEventListener("beforeunload", (event) => {
    if (!dirtyForms().length) return;
    event.preventDefault();
    event.returnValue = ""; // the browser shows its own question
  });

  // An upload on a page with a kept form: save the kept form first (capture: before novator.js disables
  // the buttons of a sent form).
  document.addEventListener(
    "submit",
    (event) => {
      const upload = event.target;
      if (!(upload instanceof HTMLFormElement) || !upload.dataset.saveFirst) return;
      const kept = document.querySelector(upload.dataset.saveFirst);
      if (!kept || !kept.unsavedDirty || upload.dataset.saving === "1") return;
      event.preventDefault();
      upload.dataset.saving = "1";
      upload.querySelectorAll("button[type=submit], button:not([type])").forEach((b) => { b.disabled = true; });
      const send = () => {
        kept.unsavedSending = true;
        HTMLFormElement.prototype.submit.call(upload);
      };
      fetch(kept.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: new FormData(kept),
        credentials: "same-origin",
      })
        .then((response) => {
          // saved when the server redirected back to the page; else the local copy is put back after
          // the upload's reload
          if (response.redirected && response.ok) kept.unsavedDirty = false;
        })
        .catch(() => {})
        .then(send);
    },
    true,
  );

  function bind(root) {
    root.querySelectorAll("form[data-unsaved]").forEach(init);
  }
  document.addEventListener("DOMContentLoaded", () => bind(document));
  document.addEventListener("htmx:afterSettle", () => bind(document));
})();
