// Novator's own behaviour. No inline scripts or styles: pages declare behaviour with data- attributes and htmx.
(function () {
  function applyPercents(root) {
    root.querySelectorAll("[data-percent]").forEach((el) => {
      el.style.width = `${el.dataset.percent}%`;
    });
  }
  function bindAutosubmit(root) {
    root.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
      el.addEventListener("change", () => el.form.requestSubmit());
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    applyPercents(document);
    bindAutosubmit(document);
  });
  document.addEventListener("htmx:afterSettle", () => applyPercents(document));
})();

// Contests: a live character counter under text areas with data-charcount (the limit is also enforced by
// maxlength and on the server), and a confirmation for buttons with data-confirm.
(function () {
  function bindCharcount(root) {
    root.querySelectorAll("textarea[data-charcount]").forEach((area) => {
      const counter = document.querySelector(`[data-charcount-for="${area.id}"] [data-charcount-value]`);
      if (!counter || area.dataset.charcountBound) return;
      area.dataset.charcountBound = "1";
      const max = parseInt(area.dataset.charcount, 10);
      const update = () => {
        // line breaks count as one character, as the server counts them
        const length = area.value.replace(/\r\n/g, "\n").length;
        counter.textContent = String(length);
        counter.parentElement.classList.toggle("text-danger", length > max);
      };
      area.addEventListener("input", update);
      update();
    });
  }
  function bindConfirm(root) {
    root.querySelectorAll("[data-confirm]").forEach((button) => {
      if (button.dataset.confirmBound) return;
      button.dataset.confirmBound = "1";
      button.addEventListener("click", (event) => {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    bindCharcount(document);
    bindConfirm(document);
  });
  document.addEventListener("htmx:afterSettle", () => {
    bindCharcount(document);
    bindConfirm(document);
  });
})();

// Error pages: a "Back" button (data-history-back) that returns to the previous page, or home without one.
// Every POST form: its submit buttons are disabled once it is sent, so a double click sends it once (the
// server also refuses a repeated create, novator.core.idempotency); re-enabled when the page is shown from
// the browser's cache (back button) or when htmx has swapped in a result.
(function () {
  function bindBack(root) {
    root.querySelectorAll("[data-history-back]").forEach((button) => {
      if (button.dataset.backBound) return;
      button.dataset.backBound = "1";
      button.addEventListener("click", () => {
        if (window.history.length > 1) window.history.back();
        else window.location.href = "/";
      });
    });
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("data-submit-again")) return;
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // The clicked button's name/value must still be sent: disable after the browser has read the form.
    window.setTimeout(() => {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((b) => {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      });
    }, 0);
    // A form that answers with a download leaves the page in place: let it be sent again after a while.
    window.setTimeout(() => enable(form), 10000);
  });
  function enable(form) {
    delete form.dataset.submitting;
    form.querySelectorAll("[aria-disabled=true]").forEach((b) => {
      b.disabled = false;
      b.removeAttribute("aria-disabled");
    });
  }
  function enableAll() {
    document.querySelectorAll("form[data-submitting]").forEach(enable);
  }
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) enableAll();
  });
  document.addEventListener("htmx:afterRequest", enableAll);
  document.addEventListener("DOMContentLoaded", () => bindBack(document));
  document.addEventListener("htmx:afterSettle", () => bindBack(document));
})();

// A form with a «kind» select shows only the fields of the chosen kind: a field's block with
// data-kind-only="professional" is hidden while another kind is chosen (the server ignores it then).
(function () {
  function bindKind(root) {
    root.querySelectorAll("form select[name=kind]").forEach((select) => {
      if (select.dataset.kindBound) return;
      select.dataset.kindBound = "1";
      const blocks = select.form.querySelectorAll("[data-kind-only]");
      const update = () => {
        blocks.forEach((block) => {
          block.hidden = block.dataset.kindOnly !== select.value;
        });
      };
      select.addEventListener("change", update);
      update();
    });
  }
  document.addEventListener("DOMContentLoaded", () => bindKind(document));
})();
