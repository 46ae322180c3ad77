/* Reviewer wellness (issue 14): avatars, covers and evidence pictures (img.sensitive) are blurred
 * until the moderator reveals them: one click reveals one picture; the "显示图片" switch in the
 * top bar reveals them all, "灰度" shows them in greyscale. The switches are the moderator's own
 * setting, kept in this browser per user name; revealing is not audited (it protects the
 * moderator, it is not a data access).
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-wellness]");
  if (!box) return;
  var key = "qinglang:wellness:" + box.getAttribute("data-wellness");
  var prefs = {};
  try { prefs = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { prefs = {}; }

  function apply() {
    document.body.classList.toggle("reveal-images", !!prefs.reveal);
    document.body.classList.toggle("greyscale-images", !!prefs.grey);
    box.querySelectorAll("input[data-pref]").forEach(function (input) {
      input.checked = !!prefs[input.getAttribute("data-pref")];
    });
  }

  box.addEventListener("change", function (e) {
    var name = e.target.getAttribute("data-pref");
    if (!name) return;
    prefs[name] = e.target.checked;
    try { window.localStorage.setItem(key, JSON.stringify(prefs)); } catch (err) { /* private mode */ }
    apply();
  });

  document.addEventListener("click", function (e) {
    var img = e.target.closest("img.sensitive");
    if (!img || img.classList.contains("revealed") || document.body.classList.contains("reveal-images")) return;
    e.preventDefault();  // the first click reveals; the next one follows the link
    img.classList.add("revealed");
  }, true);

  apply();
})();
