// Sphinx's search results quote the text of each page's [role=main], which in
// this theme also holds the download menu and the page's contents (twice), so every
// quote began "....pdf Broadcasting Contents...". Quote the article only.
document.addEventListener("DOMContentLoaded", () => {
  // searchtools.js declares `const Search`, which is not a property of window.
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const quote = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page
      .querySelectorAll(".bd-header-article, .onlyprint, .bd-sidebar-secondary, .prev-next-area, .bd-footer-article")
      .forEach((element) => element.remove());
    // Math is TeX in the page source: quote "N_k", not "\(N_k\)".
    page.querySelectorAll(".math").forEach((math) => {
      math.textContent = math.textContent.trim().replace(/^\\[(\[]|\\[)\]]$/g, "");
    });
    return quote(page.documentElement.outerHTML, anchor);
  };
});
