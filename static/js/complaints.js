/* Public complaint form: "看不清，换一张" fetches a new captcha picture without losing what was
 * typed. Without this file the form still works; the button stays hidden and a new picture comes
 * with every submission. */
(function () {
  "use strict";
  document.querySelectorAll("[data-captcha]").forEach(function (box) {
    var button = box.querySelector("[data-captcha-refresh]");
    var image = box.querySelector("[data-captcha-image]");
    var key = box.querySelector("input[type=hidden]");
    var answer = box.querySelector("input[type=text]");
    if (!button || !image || !key || !window.fetch) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      fetch(button.getAttribute("data-captcha-refresh"), {headers: {"X-Requested-With": "XMLHttpRequest"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          key.value = data.key;
          image.src = data.image_url;
          if (answer) { answer.value = ""; answer.focus(); }
        });
    });
  });
})();
