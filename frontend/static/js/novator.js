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
