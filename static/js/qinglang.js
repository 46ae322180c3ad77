// Behaviour every page shares. The Content-Security-Policy forbids inline handlers
// (onclick="…"), so elements say what they want with data- attributes and this file wires them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-submit-on-change]") && el.form) el.form.submit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest && event.target.closest("[data-print]");
  if (el) window.print();
});
