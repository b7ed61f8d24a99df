// The jury's scoring page (expertise/jury_sheet.html): nothing typed is lost when the connection drops.
// Every change goes to localStorage at once and to the server (JSON, the draft URL) when online; a change
// made offline stays queued and is resent when the browser is back online. Submitting needs a connection.
// A service worker (expertise/jury_sw.js) keeps the last copy of the page, so it can be reloaded offline.
(function () {
  "use strict";

  function init(form) {
    const key = `novator:jury:${form.dataset.sheet}`;
    const status = document.getElementById("jury-status");
    const versionInput = document.getElementById("jury-version");
    const submit = document.getElementById("jury-submit");
    const fields = Array.from(form.querySelectorAll("[data-criterion]"));
    let version = parseInt(form.dataset.version, 10);
    let dirty = false; // something typed has not reached the server yet
    let sending = false;
    let timer = null;
    let inflight = null; // the promise of the draft being sent

    if (form.dataset.submitted === "1") {
      window.localStorage.removeItem(key);
      return;
    }
    if (form.dataset.editable !== "1") return;

    function show(state) {
      status.dataset.state = state;
      status.textContent = form.dataset[`label${state.charAt(0).toUpperCase()}${state.slice(1)}`] || "";
    }

    function values() {
      const scores = {};
      fields.forEach((el) => {
        const id = el.dataset.criterion;
        scores[id] = scores[id] || {};
        scores[id][el.dataset.field] = el.value;
      });
      return scores;
    }

    function store() {
      window.localStorage.setItem(
        key, JSON.stringify({ scores: values(), dirty: true, version: version, at: Date.now() }),
      );
    }

    function clearErrors() {
      form.querySelectorAll("[data-errors-for]").forEach((el) => { el.textContent = ""; });
      fields.forEach((el) => el.classList.remove("is-invalid"));
    }

    function showErrors(errors) {
      Object.keys(errors || {}).forEach((name) => {
        const box = form.querySelector(`[data-errors-for="${name}"]`);
        const input = form.querySelector(`[name="${name}"]`);
        if (box) box.textContent = errors[name].join(" ");
        if (input) input.classList.add("is-invalid");
      });
    }

    function updateSubmit() {
      if (submit) submit.disabled = !navigator.onLine;
    }

    function send() {
      if (!dirty || sending) return inflight || Promise.resolve();
      inflight = post();
      return inflight;
    }

    async function post() {
      if (!navigator.onLine) { show("offline"); return; }
      sending = true;
      dirty = false;
      show("saving");
      const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      try {
        const response = await fetch(form.dataset.draftUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ version: version, scores: values() }),
        });
        const data = await response.json().catch(() => ({}));
        if (response.ok) {
          version = data.version;
          versionInput.value = String(version);
          form.dataset.version = String(version);
          clearErrors();
          if (!dirty) {
            window.localStorage.setItem(
              key, JSON.stringify({ scores: values(), dirty: false, version: version, at: Date.now() }),
            );
            show("saved");
          }
        } else if (response.status === 409) {
          dirty = true; // keep the local copy; the juror reloads
          show("stale");
        } else {
          clearErrors();
          showErrors(data.errors);
          show("error");
        }
      } catch (e) {
        dirty = true; // the connection dropped mid-way: resend later
        show(navigator.onLine ? "pending" : "offline");
      } finally {
        sending = false;
        form.dataset.sending = "0";
        if (dirty && navigator.onLine && status.dataset.state !== "stale") schedule();
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, 400);
    }

    function changed() {
      dirty = true;
      store();
      show(navigator.onLine ? "pending" : "offline");
      schedule();
    }

    // Restore what was typed on this phone and not yet confirmed by the server (e.g. after a reload offline).
    const saved = window.localStorage.getItem(key);
    if (saved) {
      try {
        const draft = JSON.parse(saved);
        // a page served from the offline cache may carry an older version than the last save
        const stalePage = Number.isInteger(draft.version) && draft.version > version;
        if (stalePage) {
          version = draft.version;
          versionInput.value = String(version);
        }
        if (draft.dirty || stalePage) {
          fields.forEach((el) => {
            const item = (draft.scores || {})[el.dataset.criterion];
            if (item && typeof item[el.dataset.field] === "string") el.value = item[el.dataset.field];
          });
        }
        if (draft.dirty) {
          dirty = true;
          show(navigator.onLine ? "pending" : "offline");
          schedule();
        }
      } catch (e) {
        window.localStorage.removeItem(key);
      }
    }

    fields.forEach((el) => el.addEventListener("input", changed));
    window.addEventListener("online", () => { updateSubmit(); if (dirty) { show("pending"); schedule(); } });
    window.addEventListener("offline", () => { updateSubmit(); show("offline"); });
    form.addEventListener("submit", (event) => {
      if (!navigator.onLine) {
        event.preventDefault();
        show("offline");
        return;
      }
      window.clearTimeout(timer);
      store();
      if (sending) {
        // wait for the draft in flight, so the form carries the version it produced
        event.preventDefault();
        inflight.then(() => { versionInput.value = String(version); form.submit(); });
        return;
      }
      versionInput.value = String(version);
    });
    updateSubmit();
  }

  function offlineCopy(form) {
    // Register the service worker and keep a copy of this page and its static files right away.
    if (!("serviceWorker" in navigator) || !form.dataset.swUrl || !window.caches) return;
    navigator.serviceWorker
      .register(form.dataset.swUrl, { scope: form.dataset.swScope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => window.caches.open("novator-jury-v1"))
      .then((cache) => {
        const assets = Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]"))
          .map((el) => el.src || el.href)
          .filter((url) => url.startsWith(window.location.origin));
        return cache.addAll([window.location.href.split("#")[0], ...assets]);
      })
      .then(() => { form.dataset.offlineReady = "1"; })
      .catch(() => { /* no offline copy: the drafts still survive in localStorage */ });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("jury-form");
    if (form) {
      init(form);
      offlineCopy(form);
    }
  });
})();
