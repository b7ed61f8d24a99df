// The registry import page (organizations/import_upload.html): the federal open data (XML or ZIP, a
// gigabyte and more) is sent in parts of the size the server names (5 MB), one after another, with a
// progress bar. A part whose answer does not come is sent again (three times, waiting longer each time);
// when the server answers that it expects another part (409), the upload goes on from that part. Then
// the server checks the assembled file and the page goes to the job that reads it for the preview.
(function () {
  "use strict";

  const RETRIES = 3;

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function sleep(ms) {
    return new Promise((resolve) => window.setTimeout(resolve, ms));
  }

  async function post(url, body, token, contentType) {
    const headers = { "X-CSRFToken": token, Accept: "application/json" };
    if (contentType) headers["Content-Type"] = contentType;
    const response = await fetch(url, { method: "POST", body, headers, credentials: "same-origin" });
    let data = {};
    try {
      data = await response.json();
    } catch (_error) {
      data = {};
    }
    return { status: response.status, data };
  }

  function init(form) {
    const fileInput = form.querySelector("input[type=file]");
    const regionInput = form.querySelector("[name=region]");
    const bar = form.querySelector(".progress-bar");
    const progress = form.querySelector(".progress");
    const status = form.querySelector("[data-parts-status]");
    const button = form.querySelector("button[type=submit]");
    const token = csrfToken(form);

    function show(message, isError) {
      status.textContent = message;
      status.classList.toggle("text-danger", Boolean(isError));
    }

    function setProgress(done, total) {
      const percent = total ? Math.floor((100 * done) / total) : 0;
      bar.style.width = `${percent}%`;
      bar.textContent = `${percent}%`;
      progress.setAttribute("aria-valuenow", String(percent));
    }

    async function sendPart(state, file, index) {
      const start = index * state.part_size;
      const part = file.slice(start, Math.min(file.size, start + state.part_size));
      for (let attempt = 0; ; attempt += 1) {
        try {
          const answer = await post(`${state.part_url}${index}/`, part, token, "application/octet-stream");
          if (answer.status === 200) return { next: index + 1 };
          if (answer.status === 409 && typeof answer.data.expected === "number") {
            return { next: answer.data.expected };
          }
          if (answer.status < 500) throw new Error(answer.data.error || form.dataset.failed);
        } catch (error) {
          if (!(error instanceof TypeError) || attempt >= RETRIES) throw error; // TypeError: no network
        }
        if (attempt >= RETRIES) throw new Error(form.dataset.failed);
        await sleep(1000 * 2 ** attempt);
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = fileInput.files[0];
      if (!file) {
        show(form.dataset.chooseFile, true);
        return;
      }
      if (!regionInput.value.trim()) {
        show(form.dataset.chooseRegion, true);
        return;
      }
      button.disabled = true;
      progress.hidden = false;
      setProgress(0, file.size);
      try {
        const start = new FormData();
        start.append("name", file.name);
        start.append("size", String(file.size));
        const started = await post(form.dataset.startUrl, start, token);
        if (started.status !== 201) throw new Error(started.data.error || form.dataset.failed);
        const state = started.data;
        let index = 0;
        while (index < state.parts) {
          show(form.dataset.sending.replace("{part}", index + 1).replace("{parts}", state.parts));
          const result = await sendPart(state, file, index);
          index = result.next;
          setProgress(Math.min(file.size, index * state.part_size), file.size);
        }
        show(form.dataset.checking);
        const finish = new FormData();
        finish.append("region", regionInput.value.trim());
        const finished = await post(state.finish_url, finish, token);
        if (finished.status !== 200) throw new Error(finished.data.error || form.dataset.failed);
        window.location.assign(finished.data.redirect);
      } catch (error) {
        show(error.message || form.dataset.failed, true);
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-parts-upload]").forEach(init);
  });
})();
