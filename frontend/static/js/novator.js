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
