// WCAG 2.5.3 "Label in Name" (axe-core rule label-content-name-mismatch): a
// control's accessible name must contain the text it shows, so that a
// speech-input user can say what they see. pydata-sphinx-theme gets two wrong:
// - the sidebar's search button shows "Search Ctrl+K" but is labelled "Search":
//   without the label, its name is the text it shows;
// - the colour-mode switch shows the current mode's icon, titled "Light",
//   "Dark" or "System Settings", but is labelled "Color mode": the label names
//   the mode too, and follows it when the button changes it.
(function () {
  function modeName(button) {
    const icon = button.querySelector(`[data-mode="${document.documentElement.dataset.mode}"]`);
    if (!icon) return null;
    const title = icon.getAttribute("title") || icon.querySelector("title");  // <i title> or Font Awesome's <svg><title>
    return typeof title === "string" ? title : title && title.textContent;
  }

  function nameModeSwitches() {
    document.querySelectorAll(".theme-switch-button").forEach((button) => {
      const name = modeName(button);
      if (name) button.setAttribute("aria-label", `Color mode: ${name}`);
    });
  }

  function fix() {
    document.querySelectorAll(".search-button-field[aria-label]").forEach((button) => {
      button.removeAttribute("aria-label");
    });
    nameModeSwitches();
    new MutationObserver(nameModeSwitches).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-mode"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
