// A display equation wider than the page (on a phone) is shrunk to fit, down to
// 70% of its size; a wider one keeps its size and scrolls sideways (site.css
// marks the side with more). Runs after MathJax has typeset, and on resize.
(function () {
  const MIN_SCALE = 0.7;

  function fit() {
    document.querySelectorAll('mjx-container[display="true"]').forEach((box) => {
      if (box.dataset.fontSize === undefined) box.dataset.fontSize = box.style.fontSize || "100%";
      box.style.fontSize = box.dataset.fontSize;
      const scale = box.clientWidth / box.scrollWidth;
      if (scale < 1 && scale >= MIN_SCALE) {
        box.style.fontSize = `calc(${box.dataset.fontSize} * ${Math.floor(scale * 100) / 100})`;
      }
    });
  }

  window.addEventListener("load", () => {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return;
    MathJax.startup.promise.then(fit);
    let pending;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(fit, 200);
    });
  });
})();
