// Report pages: pick today's measures for an incident report in one click.
document.querySelector("[data-select-today]")?.addEventListener("click", () => {
  document.querySelectorAll("input[data-today]").forEach((box) => { box.checked = true; });
});
