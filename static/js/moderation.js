/* Qinglang moderation pages: keyboard shortcuts for the common path, and small form helpers.
 *
 * An element with data-shortcut="k" is clicked (buttons, links) or focused (inputs) when "k" is
 * pressed outside a text field; data-shortcut-check="selector" also checks that input first.
 * "?" toggles the help overlay, Esc leaves a text field or closes the overlay.
 * Everything works without this file: it only adds keys and conveniences.
 */
(function () {
  "use strict";

  function isTyping(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function help(show) {
    var box = document.getElementById("shortcut-help");
    if (!box) return;
    box.hidden = show === undefined ? !box.hidden : !show;
  }

  function syncDecision(form) {
    if (!form) return;
    var checked = form.querySelector("input[name=decision]:checked");
    var value = checked ? checked.value : "approve";
    form.querySelectorAll("[data-show-for]").forEach(function (part) {
      part.hidden = part.getAttribute("data-show-for") !== value;
    });
    var negative = value === "reject" || value === "measure";
    form.querySelectorAll(".reject-part").forEach(function (part) {
      part.classList.toggle("dim", !negative);
    });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") {
      help(false);
      if (isTyping(document.activeElement)) document.activeElement.blur();
      return;
    }
    if (isTyping(e.target)) return;
    if (e.key === "?") {
      e.preventDefault();
      help();
      return;
    }
    if (e.key.length !== 1) return;
    var target = document.querySelector('[data-shortcut="' + e.key + '"]');
    if (!target || target.disabled || target.closest("fieldset[disabled]")) return;
    e.preventDefault();
    var also = target.getAttribute("data-shortcut-check");
    if (also) {
      var box = document.querySelector(also);
      if (box) {
        box.checked = true;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    } else {
      target.click();
    }
  });

  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-show-help]")) {
      e.preventDefault();
      help(true);
    } else if (e.target.closest("[data-close-help]")) {
      help(false);
    }
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches("[data-select-all]")) {
      document.querySelectorAll('input[name="' + t.getAttribute("data-select-all") + '"]').forEach(function (b) {
        b.checked = t.checked;
      });
    }
    if (t.name === "decision") syncDecision(t.form);
    if (t.name === "template" && t.form && t.form.id === "decision-form") {
      var data = document.getElementById("reason-templates");
      var templates = data ? JSON.parse(data.textContent) : {};
      var tpl = templates[t.value];
      if (!tpl) return;
      var reason = t.form.querySelector("textarea[name=reason]");
      if (reason) reason.value = tpl.text;
      var articles = t.form.querySelector("select[name=articles]");
      if (articles) {
        Array.prototype.forEach.call(articles.options, function (o) {
          if (o.value === tpl.article) o.selected = true;
        });
      }
      var reject = t.form.querySelector("input[name=decision][value=reject]");
      if (reject && !t.form.querySelector("input[name=decision][value=measure]:checked")) {
        reject.checked = true;
        syncDecision(t.form);
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncDecision(document.getElementById("decision-form"));
  });
  // Destructive or final actions ask first: a form (or its submit button) with data-confirm;
  // data-confirm-if="measure" asks only when that decision is chosen.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var holder = button && button.hasAttribute("data-confirm") ? button : form;
    var question = holder.getAttribute("data-confirm");
    if (!question) return;
    var only = holder.getAttribute("data-confirm-if");
    if (only) {
      var checked = form.querySelector("input[name=decision]:checked");
      if (!checked || checked.value !== only) return;
    }
    if (!window.confirm(question)) e.preventDefault();
  }, true);

  // The undo button in a decision's flash message disappears when its window closes.
  document.querySelectorAll("form.undo[data-undo-seconds]").forEach(function (form) {
    var seconds = parseInt(form.getAttribute("data-undo-seconds"), 10) || 0;
    window.setTimeout(function () { form.remove(); }, seconds * 1000);
  });
})();
