// Autosave the form section as the user types and refresh the live self-assessment beside it.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("save-status");
  var timer = null, seq = 0;
  var zh = document.documentElement.lang !== "en";
  function clearErrors() {
    form.querySelectorAll(".field-error.live-error").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".invalid-input").forEach(function (e) { e.classList.remove("invalid-input"); });
  }
  function showErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector('[data-name="' + CSS.escape(name) + '"]');
      var span = document.createElement("span");
      span.className = "field-error live-error";
      span.setAttribute("data-for", name);
      span.textContent = errors[name];
      if (input) { input.classList.add("invalid-input"); input.insertAdjacentElement("afterend", span); }
      else { form.prepend(span); }
    });
  }
  function save() {
    var mine = ++seq;
    status.textContent = zh ? "保存中…" : "Saving…";
    fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value}
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (mine !== seq) return;
      clearErrors();
      if (body.errors) showErrors(body.errors);
      if (body.panel) {
        var live = document.getElementById("live");
        var holder = document.createElement("div");
        holder.innerHTML = body.panel;
        live.replaceWith(holder.firstElementChild);
      }
      status.textContent = body.ok ? (zh ? "已自动保存" : "Saved") : (zh ? "有输入无法识别，未保存" : "Not saved: fix the marked inputs");
      status.setAttribute("data-state", body.ok ? "saved" : "error");
    }).catch(function () {
      status.textContent = zh ? "自动保存失败，请点击“保存”" : "Autosave failed; press Save";
      status.setAttribute("data-state", "error");
    });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(save, 500); }
  document.querySelectorAll("[data-fill]").forEach(function (b) {
    b.addEventListener("click", function () {
      var input = form.querySelector('[name="enterprise.technical_field"]');
      if (!input) return;
      input.value = b.getAttribute("data-fill");
      input.dispatchEvent(new Event("input", {bubbles: true}));
    });
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
