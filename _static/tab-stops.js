// A keyboard user scrolls a code block or output that is wider than the page
// by focusing it, so it must be focusable (WCAG 2.1.1; axe-core rule
// scrollable-region-focusable). pydata-sphinx-theme gives such blocks
// tabindex=0, but only on load, on resize and when content is added: a block
// inside an exercise solution, hidden on load, stays unfocusable once opened.
// This applies the theme's own rule again whenever something opens or closes.
(function () {
  const SCROLLABLE = ["pre", ".nboutput > .output_area", ".cell_output > .output",
    ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"].join(", ");

  function setTabStops() {
    document.querySelectorAll(SCROLLABLE).forEach((element) => {
      const scrolls = element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
      element.tabIndex = scrolls ? 0 : -1;
    });
  }

  function watch() {
    const main = document.getElementById("main-content");
    if (!main) return;
    new MutationObserver(setTabStops).observe(main, {
      subtree: true, attributes: true, attributeFilter: ["class", "open", "hidden"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
