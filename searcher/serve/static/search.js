// The page's script; the page works the same without it.

// "/" anywhere outside a text field puts the cursor in the search box.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                          target.tagName === "SELECT" || target.isContentEditable);
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  }
});

// As you type, the box offers the query with its last word completed by index words
// (/api/suggest?format=opensearch, most matching articles first), in its datalist.
// Answers that arrive after a newer keystroke's are dropped; values are set as text,
// never as markup (they are words from scraped articles).
(function () {
  var box = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!box || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var asked = 0;
  function show(prefix, completions, ask) {
    if (ask !== asked) {
      return;
    }
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    completions.forEach(function (text) {
      if (typeof text === "string" && text !== prefix) {
        var option = document.createElement("option");
        option.value = text;
        list.appendChild(option);
      }
    });
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    var prefix = box.value;
    var ask = ++asked;
    if (!/\w\w$/.test(prefix)) {  // the last word needs two letters to be worth asking
      show(prefix, [], ask);
      return;
    }
    timer = setTimeout(function () {
      fetch("/api/suggest?format=opensearch&prefix=" + encodeURIComponent(prefix))
        .then(function (answer) { return answer.ok ? answer.json() : [prefix, []]; })
        .then(function (data) { show(prefix, Array.isArray(data[1]) ? data[1] : [], ask); })
        .catch(function () { show(prefix, [], ask); });
    }, 120);
  });
})();
